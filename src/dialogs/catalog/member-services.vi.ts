/** Subscriptions, official pages, handover to a cadre, data rights. */
export {};
