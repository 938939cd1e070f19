/** Cadres' desk (proof review, registrations, branch trends), collaborators' tasks, good news. */
export {};
