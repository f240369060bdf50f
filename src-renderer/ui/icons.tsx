/** Small inline icons (no emoji: Windows and Linux fonts draw them differently or not at all). */
export function LockIcon({ title }: { title?: string }) {
  return (
    <svg
      className="icon"
      viewBox="0 0 16 16"
      width="11"
      height="11"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
    >
      {title ? <title>{title}</title> : null}
      <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}
