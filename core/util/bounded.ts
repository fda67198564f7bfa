/**
 * Maps and sets used as bounded caches: insertion order is age, and a new entry past the bound
 * pushes out the oldest. Replacing an entry that is there already evicts nothing (and keeps its
 * age: delete it first to make it the newest).
 */

/** `map.set(key, value)`, first dropping the oldest entry if the map holds `max` and not `key`. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

/** `set.add(value)`, first dropping the oldest value if the set holds `max` and not `value`. */
export function addBounded<T>(set: Set<T>, value: T, max: number): void {
  if (set.size >= max && !set.has(value)) set.delete(set.values().next().value as T);
  set.add(value);
}
