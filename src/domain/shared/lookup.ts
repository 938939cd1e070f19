/**
 * The value a word stands for in a table of words, or undefined. Only the table's own keys count:
 * `table[word]` alone answers "constructor", "toString" or "__proto__" with what every object
 * inherits, and a roster cell saying "constructor" then reached the database as a function.
 */
export function lookUp<V>(table: Readonly<Record<string, V>>, word: string): V | undefined {
  return Object.hasOwn(table, word) ? table[word] : undefined;
}
