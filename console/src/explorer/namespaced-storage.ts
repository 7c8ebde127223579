/**
 * A Storage over localStorage whose keys all start with `namespace:`. localStorage is per
 * origin: without it /graphql and /admin/graphql would share GraphiQL's saved tabs, and
 * /graphql would open on the last admin query.
 */
export function namespacedStorage(namespace: string): Storage {
  const prefix = `${namespace}:`;
  const own = () => Object.keys(localStorage).filter((key) => key.startsWith(prefix));
  return {
    getItem: (key) => localStorage.getItem(prefix + key),
    setItem: (key, value) => localStorage.setItem(prefix + key, value),
    removeItem: (key) => localStorage.removeItem(prefix + key),
    clear: () => own().forEach((key) => localStorage.removeItem(key)),
    key: (index) => own()[index]?.slice(prefix.length) ?? null,
    get length() {
      return own().length;
    },
  };
}
