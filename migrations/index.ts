import type { Migration } from 'kysely';
import * as org from './20261128_0001_org';
import * as plansWaves from './20261128_0002_plans_waves';
import * as contentDelivery from './20261128_0003_content_delivery';
import * as runtime from './20261128_0004_runtime';
import * as channels from './20261128_0005_channels';
import * as inboundPendingOrder from './20261128_0006_inbound_pending_order';
import * as turnBatches from './20261129_0007_turn_batches';
import * as onboarding from './20261129_0101_onboarding';
import * as proofs from './20261129_0201_proofs';
import * as cadre from './20261129_0301_cadre';
import * as memberServices from './20261129_0401_member_services';
import * as deliveryPolicy from './20261129_0501_delivery_policy';
import * as broadcasts from './20261129_0502_broadcasts';
import * as schedules from './20261129_0504_schedules';
import * as adminSessions from './20261129_0601_admin_sessions';
import * as branchReportPerDay from './20261129_0610_branch_report_per_day';
import * as proofDuplicateIndexes from './20261129_0620_proof_duplicate_indexes';
import * as reportScope from './20261129_0630_report_scope';
import * as claimToken from './20261129_1000_claim_token';
import * as tallyDeltas from './20261129_1100_tally_deltas';

/**
 * Every migration, in order. Listed by hand rather than read from the folder so that the same
 * list works compiled (dist/) and under the test transformer, and a missing file fails the build.
 */
export const migrations: Record<string, Migration> = {
  '20261128_0001_org': org,
  '20261128_0002_plans_waves': plansWaves,
  '20261128_0003_content_delivery': contentDelivery,
  '20261128_0004_runtime': runtime,
  '20261128_0005_channels': channels,
  '20261128_0006_inbound_pending_order': inboundPendingOrder,
  '20261129_0007_turn_batches': turnBatches,
  '20261129_0101_onboarding': onboarding,
  '20261129_0201_proofs': proofs,
  '20261129_0301_cadre': cadre,
  '20261129_0401_member_services': memberServices,
  '20261129_0501_delivery_policy': deliveryPolicy,
  '20261129_0502_broadcasts': broadcasts,
  '20261129_0504_schedules': schedules,
  '20261129_0601_admin_sessions': adminSessions,
  '20261129_0610_branch_report_per_day': branchReportPerDay,
  '20261129_0620_proof_duplicate_indexes': proofDuplicateIndexes,
  '20261129_0630_report_scope': reportScope,
  '20261129_1000_claim_token': claimToken,
  '20261129_1100_tally_deltas': tallyDeltas,
};
