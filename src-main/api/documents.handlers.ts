import { listDocuments } from '../print/documents-register';
import { requireSession, type Deps, type Handlers } from './context';

/** The register of printed documents (issue 15, item 4): what the caller may see of it. */
export function documentsHandlers(d: Deps): Pick<Handlers, 'documents.list'> {
  return {
    'documents.list': (input, ctx) => {
      const s = requireSession(ctx);
      return listDocuments(d.db, s.grants, s.teacherId, input, ctx.locale);
    },
  };
}
