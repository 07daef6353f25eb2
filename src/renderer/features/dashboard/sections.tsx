// The dashboard's sections and the bar that reaches each in one click. The section in
// view is kept in the URL's hash (#pools), so a reload returns to it; the query string
// (the browser shell's token) is left alone.
import { memo, useCallback, useEffect, useRef, useState, type RefObject } from 'react';

export const SECTIONS = [
  { id: 'overview', label: 'Overview' },
  { id: 'charts', label: 'Charts' },
  { id: 'alerts', label: 'Alerts & leaks' },
  { id: 'pools', label: 'Pools' },
  { id: 'heap', label: 'Heap' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

const IDS = new Set<string>(SECTIONS.map((s) => s.id));

/** The section named by the URL's hash, or null. */
export function sectionFromHash(hash: string): SectionId | null {
  const id = decodeURIComponent(hash.replace(/^#/, ''));
  return IDS.has(id) ? (id as SectionId) : null;
}

function writeHash(id: SectionId): void {
  if (window.location.hash === `#${id}`) return;
  // replaceState: scrolling through the sections must not fill the back button.
  history.replaceState(
    history.state,
    '',
    `${window.location.pathname}${window.location.search}#${id}`,
  );
}

/**
 * The last section whose top has reached the top of the scroll box, or the first.
 * (The body ends in a spacer, so every section can reach the top.)
 */
function sectionInView(body: HTMLElement): SectionId {
  const top = body.getBoundingClientRect().top;
  let current: SectionId = SECTIONS[0].id;
  for (const s of SECTIONS) {
    const el = document.getElementById(s.id);
    if (el && el.getBoundingClientRect().top - top <= 8) current = s.id;
  }
  return current;
}

/**
 * Scroll position <-> URL. On mount, scrolls the body to the hash's section (once the
 * section exists: `ready`); afterwards the section in view goes to the hash as the
 * user scrolls. Returns the active section and a function to go to one.
 */
export function useSections(
  bodyRef: RefObject<HTMLElement | null>,
  ready: boolean,
): [SectionId, (id: SectionId) => void] {
  const [active, setActive] = useState<SectionId>(
    () => sectionFromHash(window.location.hash) ?? 'overview',
  );
  const restored = useRef(false);

  const go = useCallback(
    (id: SectionId) => {
      const el = document.getElementById(id);
      const body = bodyRef.current;
      if (!el || !body) return;
      body.scrollTop += el.getBoundingClientRect().top - body.getBoundingClientRect().top;
      setActive(id);
      writeHash(id);
    },
    [bodyRef],
  );

  useEffect(() => {
    if (!ready || restored.current) return;
    restored.current = true;
    const wanted = sectionFromHash(window.location.hash);
    if (wanted && wanted !== 'overview') go(wanted);
  }, [ready, go]);

  useEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    let frame = 0;
    const onScroll = (): void => {
      if (frame !== 0 || !restored.current) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        const id = sectionInView(body);
        setActive(id);
        writeHash(id);
      });
    };
    body.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      body.removeEventListener('scroll', onScroll);
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [bodyRef]);

  return [active, go];
}

export const SectionBar = memo(function SectionBar(props: {
  active: SectionId;
  onGo: (id: SectionId) => void;
}) {
  return (
    <nav className="section-bar" aria-label="Sections">
      {SECTIONS.map((s) => (
        <a
          key={s.id}
          href={`#${s.id}`}
          data-testid={`section-link-${s.id}`}
          aria-current={props.active === s.id ? 'true' : undefined}
          onClick={(e) => {
            e.preventDefault();
            props.onGo(s.id);
          }}
        >
          {s.label}
        </a>
      ))}
    </nav>
  );
});
