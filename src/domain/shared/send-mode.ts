/** How a proactive or reply message goes out on each platform (chosen by the delivery policy). */
export type SendMode =
  | { readonly channel: 'messenger'; readonly messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG'; readonly tag?: 'CONFIRMED_EVENT_UPDATE' | 'ACCOUNT_UPDATE' | 'HUMAN_AGENT' | 'POST_PURCHASE_UPDATE' }
  | { readonly channel: 'zalo'; readonly kind: 'cs' }
  | { readonly channel: 'zalo'; readonly kind: 'template'; readonly templateId: string; readonly templateData: Readonly<Record<string, string>> };
