import { createContext, useContext } from 'react';
import type { Output } from '../src-shared/contract';
import type { SessionUser } from '../src-shared/contract/common';

/** The replica's facts (scope, clock) for every screen. */
export const AppInfoContext = createContext<Output<'app.info'> | null>(null);

export function useAppInfo(): Output<'app.info'> {
  const v = useContext(AppInfoContext);
  if (!v) throw new Error('useAppInfo outside AppInfoContext');
  return v;
}

/** The logged-in person: their teacher id and grants decide which actions a screen offers. */
export const SessionContext = createContext<SessionUser | null>(null);

export function useSessionUser(): SessionUser {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSessionUser outside SessionContext');
  return v;
}
