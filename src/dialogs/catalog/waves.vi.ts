/** Waves: the list, joining, proofs, and "Kết quả của tôi". */
export {};
