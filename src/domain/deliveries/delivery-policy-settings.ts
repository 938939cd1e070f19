import type { Config } from '../../config/config';
import type { DeliveryPolicySettings } from './delivery-policy';

/**
 * The one place settings become the delivery policy's input: APP_TIMEZONE, QUIET_HOURS,
 * DAILY_CAP, the MESSENGER_TAG_* switches, ZALO_PAID_SENDS and the ZALO_TEMPLATE_* ids.
 */
export function deliveryPolicySettingsOf(config: Pick<Config, 'timezone' | 'quietHours' | 'delivery'>): DeliveryPolicySettings {
  const { delivery } = config;
  return {
    timeZone: config.timezone,
    quietHours: config.quietHours === null ? null : { startMinute: config.quietHours.startMinute, endMinute: config.quietHours.endMinute },
    dailyCap: delivery.dailyCap,
    messengerTags: { ...delivery.messengerTags },
    zaloPaidEnabled: delivery.zaloPaidSends,
    zaloTemplates: { ...delivery.zaloTemplates },
  };
}
