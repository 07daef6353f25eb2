import { useCallback, useEffect, useState } from 'react';

/** Width of an element in CSS pixels, kept current with a ResizeObserver. */
export function useElementWidth<T extends HTMLElement>(): [(el: T | null) => () => void, number] {
  const [width, setWidth] = useState(0);
  const ref = useCallback((el: T | null) => {
    if (!el) return () => undefined;
    setWidth(Math.floor(el.getBoundingClientRect().width));
    const ro = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** Calls `fn` now and every `intervalMs` while the page is visible. */
export function usePolling(fn: () => void, intervalMs: number): void {
  useEffect(() => {
    const tick = (): void => {
      if (document.visibilityState === 'visible') fn();
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [fn, intervalMs]);
}
