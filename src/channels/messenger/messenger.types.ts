/**
 * Send API and Messenger Profile API bodies as Graph expects them (snake_case, as on the wire).
 * Only the parts we send; see ../../../../shared/platforms/messenger.md §2 and §5.
 */

export type MessengerMessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
export type MessengerTag = 'CONFIRMED_EVENT_UPDATE' | 'ACCOUNT_UPDATE' | 'HUMAN_AGENT' | 'POST_PURCHASE_UPDATE';

export type MessengerQuickReply =
  | { readonly content_type: 'text'; readonly title: string; readonly payload: string; readonly image_url?: string }
  | { readonly content_type: 'user_phone_number' };

export interface MessengerUrlButton {
  readonly type: 'web_url';
  readonly url: string;
  readonly title: string;
}

export type MessengerAttachment =
  | { readonly type: 'image'; readonly payload: { readonly url: string; readonly is_reusable: boolean } }
  | { readonly type: 'template'; readonly payload: { readonly template_type: 'button'; readonly text: string; readonly buttons: readonly MessengerUrlButton[] } };

interface MessengerMessageBase {
  /** Echoed back in `message_echoes`: how we tell our own messages from a human's in the Page inbox. */
  readonly metadata: string;
  readonly quick_replies?: readonly MessengerQuickReply[];
}

export type MessengerOutgoingMessage =
  | (MessengerMessageBase & { readonly text: string; readonly attachment?: never })
  | (MessengerMessageBase & { readonly attachment: MessengerAttachment; readonly text?: never });

/** One `POST /{version}/me/messages` body. */
export interface SendApiRequest {
  readonly recipient: { readonly id: string };
  readonly messaging_type: MessengerMessagingType;
  readonly tag?: MessengerTag;
  readonly message: MessengerOutgoingMessage;
}

export type MessengerMenuItem =
  | { readonly type: 'postback'; readonly title: string; readonly payload: string }
  | { readonly type: 'web_url'; readonly title: string; readonly url: string };

/** A `POST /{version}/me/messenger_profile` body (messenger.md §5). */
export interface MessengerProfileSettings {
  readonly get_started?: { readonly payload: string };
  readonly greeting?: readonly { readonly locale: string; readonly text: string }[];
  readonly persistent_menu?: readonly {
    readonly locale: string;
    readonly composer_input_disabled: boolean;
    readonly call_to_actions: readonly MessengerMenuItem[];
  }[];
  readonly whitelisted_domains?: readonly string[];
}

/** What `GET /{version}/{psid}?fields=first_name,last_name,name` answers; any field may be missing. */
export interface MessengerUserProfile {
  readonly name?: string;
  readonly first_name?: string;
  readonly last_name?: string;
}
