/**
 * Every text a member reads, in one catalogue: natural, polite Vietnamese. Dialogs take their
 * words from here, never inline, so wording is reviewed (and one day translated) in one place.
 * One file per part of the conversation, in ./catalog; import from this file.
 */
export * from './catalog/common.vi';
export * from './catalog/menu.vi';
export * from './catalog/onboarding.vi';
export * from './catalog/waves.vi';
export * from './catalog/cadre.vi';
export * from './catalog/member-services.vi';
