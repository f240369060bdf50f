import type { KeyboardEvent } from 'react';

/**
 * Arrow-key movement between the focusable items (`[data-nav-item]`) of a list: ↑/↓, Home/End.
 * Enter and Space act on the focused button as usual.
 */
export function onListKeyDown(e: KeyboardEvent<HTMLElement>): void {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(e.key)) return;
  const items = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('[data-nav-item]'));
  if (items.length === 0) return;
  const at = items.indexOf(document.activeElement as HTMLElement);
  let next = at;
  if (e.key === 'ArrowDown') next = Math.min(items.length - 1, at + 1);
  else if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
  else if (e.key === 'Home') next = 0;
  else next = items.length - 1;
  e.preventDefault();
  items[next]?.focus();
}
