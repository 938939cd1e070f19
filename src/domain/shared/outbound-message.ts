/**
 * What the product says to a member, in no channel's format. Dialogs and domain services produce
 * it; each channel's renderer turns it into its platform's message(s) (Messenger quick replies,
 * numbered lines on Zalo, split at each platform's length limit).
 */
export interface OutboundChoice {
  /** What the member sees (a quick-reply title on Messenger, a numbered line on Zalo). */
  readonly title: string;
  /** What comes back when the member picks it (the quick-reply payload; the recognizer maps "2" to it on Zalo). */
  readonly value: string;
}

export interface OutboundLink {
  readonly title: string;
  readonly url: string;
}

export interface OutboundMessage {
  readonly text?: string;
  /** An https image to show (a wave's frame, a candle). */
  readonly imageUrl?: string;
  /** Link buttons (Messenger button template; on Zalo, lines with the URL). */
  readonly links?: readonly OutboundLink[];
  /** Suggested replies. */
  readonly choices?: readonly OutboundChoice[];
  /**
   * Ask the member to share their phone number: Zalo's request_user_info card, Messenger's
   * user_phone_number quick reply. The text says what to do when they would rather type it.
   */
  readonly requestPhone?: { readonly title: string; readonly subtitle: string; readonly imageUrl?: string };
}
