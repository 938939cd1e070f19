/** Greeting, consent (Decree 13/2023/NĐ-CP), registration and cross-channel linking. */
export {};
