// The app's address: `#/<page>` and, for a link to one item, `#/<page>?<name>=<value>`
// (a claim, a shipment, a batch, a trial, a patient): the page opens that item. The feed's
// sentences link to their item this way (feedWords.ts: `itemLink`).
import { useEffect, useRef, useState } from 'react';

/** The page named by `hash` (`#/payer?claim=3` → `payer`), or undefined. */
export function pageOf(hash: string): string | undefined {
  return hash.replace(/^#\/?/, '').split('?')[0] || undefined;
}

/** The item parameters of `hash` (`#/payer?claim=3` → claim=3). */
export function paramsOf(hash: string): URLSearchParams {
  const query = hash.indexOf('?');
  return new URLSearchParams(query < 0 ? '' : hash.slice(query + 1));
}

/** The parameter `name` of the address now, read again whenever the address changes
 * (undefined without one). */
export function useRouteParam(name: string): string | undefined {
  const read = () => paramsOf(window.location.hash).get(name) ?? undefined;
  const [value, setValue] = useState(read);
  useEffect(() => {
    const on = () => setValue(paramsOf(window.location.hash).get(name) ?? undefined);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, [name]);
  return value;
}

/** Calls `open` with the parameter `name` of the address when a page opens with one and
 * whenever it changes (a link to another item of the same page). */
export function useLinkedItem(name: string, open: (value: string) => void): void {
  const value = useRouteParam(name);
  const latest = useRef(open);
  useEffect(() => {
    latest.current = open;
  });
  useEffect(() => {
    if (value !== undefined) latest.current(value);
  }, [value]);
}
