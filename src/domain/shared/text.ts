/**
 * Folds Vietnamese text for comparison: no diacritics (đ/Đ become d), lower case, spaces
 * collapsed and trimmed. "Đoàn phường  Bình Hưng HOÀ" and "doan phuong binh hung hoa" fold the same.
 * Works on composed (NFC) and decomposed (NFD, as macOS often writes) input alike.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    // Ð/ð (the Icelandic eth) stand in for Đ/đ in text converted from old Vietnamese fonts.
    .replace(/[đĐÐð]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A key for matching names and headers: folded, with every run of punctuation read as a space.
 * "Họ và tên (*)", "ho_va_ten" and "HỌ VÀ TÊN" share the key "ho va ten".
 */
export function matchKey(text: string): string {
  return foldVietnamese(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
