import { useCallback, useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

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

/**
 * Whether an element is on screen (or within `marginPx` of it), kept current with an
 * IntersectionObserver. True until the observer says otherwise, so a first render
 * draws as before, and true while the page prints (everything is on paper).
 */
export function useInView<T extends HTMLElement>(
  marginPx = 100,
): [(el: T | null) => () => void, boolean] {
  const [inView, setInView] = useState(true);
  const ref = useCallback(
    (el: T | null) => {
      if (!el || typeof IntersectionObserver !== 'function') return () => undefined;
      let intersecting = true;
      let printing = false;
      const io = new IntersectionObserver(
        (entries) => {
          const entry = entries[entries.length - 1];
          if (!entry) return;
          intersecting = entry.isIntersecting;
          if (!printing) setInView(intersecting);
        },
        { rootMargin: `${marginPx}px 0px` },
      );
      io.observe(el);
      const beforePrint = (): void => {
        printing = true;
        flushSync(() => setInView(true));
      };
      const afterPrint = (): void => {
        printing = false;
        setInView(intersecting);
      };
      window.addEventListener('beforeprint', beforePrint);
      window.addEventListener('afterprint', afterPrint);
      return () => {
        io.disconnect();
        window.removeEventListener('beforeprint', beforePrint);
        window.removeEventListener('afterprint', afterPrint);
      };
    },
    [marginPx],
  );
  return [ref, inView];
}
