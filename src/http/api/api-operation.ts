import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ExportFile } from '../../domain/reports/export-file';
import type { StaffRole } from '../../db/types';
import { AppError } from '../../errors/app-error';
import type { StaffPrincipal } from '../../domain/staff/staff-scope';
import { sendExportFile } from '../export-download';
import { parseInput, validationError, type FieldProblem } from './api-validation';

/** What an operation's handler gets: the validated inputs and who is asking. */
export interface OperationInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly params: z.output<P>;
  readonly query: z.output<Q>;
  readonly body: z.output<B>;
  readonly staff: StaffPrincipal;
  readonly req: Request;
}

/** Errors an operation may answer besides 400 (bad input) and 401 (no valid token), for the document. */
export type DocumentedError = 403 | 404 | 409 | 503;

/**
 * One /api/v1 operation: its schemas are the single source of both the validation and the OpenAPI
 * document (api-openapi.ts), so the two cannot drift apart.
 */
export interface OperationSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  readonly method: 'get' | 'post';
  /** Express syntax (`/broadcasts/:id`); the document shows `{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** Absent: every staff role. A role not listed gets 403 before anything else is looked at. */
  readonly roles?: readonly StaffRole[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** `mediaType`: what the document says the answer is (application/json unless a download says otherwise). */
  readonly response: { readonly statuses: readonly number[]; readonly schema: R; readonly description: string; readonly mediaType?: string };
  readonly errors?: readonly DocumentedError[];
  readonly handle: (input: OperationInput<P, Q, B>) => Promise<{ readonly status?: number; readonly body: z.input<R> }>;
}

/**
 * A GET that answers with a file (an export) instead of JSON: validated, scoped and documented
 * like any operation; its handler returns the file, which is streamed as it is written.
 */
export interface DownloadSpec<P extends z.ZodType, Q extends z.ZodType>
  extends Pick<OperationSpec<P, Q, z.ZodType, z.ZodType>, 'path' | 'operationId' | 'summary' | 'description' | 'tag' | 'roles' | 'params' | 'query' | 'errors'> {
  readonly produces: { readonly contentType: string; readonly description: string };
  readonly handle: (input: Omit<OperationInput<P, Q, z.ZodType>, 'body'>) => Promise<ExportFile>;
}

const BINARY = z.string().meta({ format: 'binary' });

// Type parameters are erased once an operation is registered: the document and the router only
// need the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = OperationSpec<any, any, any, any>;

/** The staff member the bearer middleware found (api-auth.ts). */
export function staffOf(req: Request): StaffPrincipal {
  const staff = req.res?.locals.staff as StaffPrincipal | undefined;
  if (!staff) throw new AppError('UNAUTHENTICATED', 'Cần mã truy cập.');
  return staff;
}

/** Registers operations on a router and remembers them for the OpenAPI document. */
export class ApiOperations {
  readonly router = Router();
  private readonly registered: AnyOperation[] = [];

  get operations(): readonly AnyOperation[] {
    return this.registered;
  }

  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(spec: OperationSpec<P, Q, B, R>): void {
    this.registered.push(spec);
    this.router[spec.method](spec.path, async (req, res) => {
      const { staff, params, query, body } = this.inputs(spec, req);
      const result = await spec.handle({ params, query, body, staff, req });
      const status = result.status ?? spec.response.statuses[0]!;
      // The answer is checked against its documented shape too: a drift is our bug, never the caller's.
      const checked = spec.response.schema.safeParse(result.body);
      if (!checked.success || !spec.response.statuses.includes(status)) {
        throw new Error(`${spec.operationId} answered outside its schema: ${checked.success ? `status ${status}` : checked.error.message}`);
      }
      res.status(status).json(checked.data);
    });
  }

  addDownload<P extends z.ZodType, Q extends z.ZodType>(spec: DownloadSpec<P, Q>): void {
    const operation: OperationSpec<P, Q, z.ZodType, typeof BINARY> = {
      ...spec,
      method: 'get',
      response: { statuses: [200], schema: BINARY, description: spec.produces.description, mediaType: spec.produces.contentType },
      handle: () => Promise.reject(new Error(`${spec.operationId} is a download`)),
    };
    this.registered.push(operation);
    this.router.get(spec.path, async (req, res) => {
      const { staff, params, query } = this.inputs(operation, req);
      await sendExportFile(res, await spec.handle({ params, query, staff, req }));
    });
  }

  /** Who asks (403 for a role not listed) and the validated inputs (400 naming every bad field). */
  private inputs<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: OperationSpec<P, Q, B, z.ZodType>, req: Request) {
    const staff = staffOf(req);
    if (spec.roles && !spec.roles.includes(staff.role)) throw new AppError('FORBIDDEN', 'Vai trò của tài khoản này không được dùng chức năng này.');
    const problems: FieldProblem[] = [];
    const part = <S extends z.ZodType>(schema: S | undefined, value: unknown, location: 'path' | 'query' | 'body'): z.output<S> => {
      if (!schema) return undefined as z.output<S>;
      const parsed = parseInput(schema, value, location);
      if (parsed.ok) return parsed.value;
      problems.push(...parsed.problems);
      return undefined as z.output<S>;
    };
    const params = part(spec.params, req.params, 'path');
    const query = part(spec.query, { ...req.query }, 'query');
    const body = part(spec.body, req.body, 'body');
    if (problems.length > 0) throw validationError(problems);
    return { staff, params, query, body };
  }
}
