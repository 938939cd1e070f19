/**
 * The id of every dialog, in one place: the menu, interruptions and other dialogs start one
 * another by these ids, so a dialog can be replaced without its callers knowing its class.
 */
export const DIALOG = {
  mainMenu: 'mainMenu',
  onboarding: 'onboarding',
  registration: 'registration',
  currentWaves: 'waves.current',
  joinWave: 'waves.join',
  submitProof: 'proofs.submit',
  myResults: 'results.mine',
  goodNews: 'goodNews.submit',
  collaboratorTasks: 'collaborator.tasks',
  cadreDesk: 'cadre.desk',
  branchReport: 'cadre.branchReport',
  subscriptions: 'subscriptions',
  officialPages: 'officialPages',
  help: 'help',
  handover: 'handover',
  dataRights: 'dataRights',
  linkChannel: 'linkChannel',
} as const;

export type DialogId = (typeof DIALOG)[keyof typeof DIALOG];
