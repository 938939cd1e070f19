import { z } from 'zod';
import type { AnyOperation, DocumentedError } from './api-operation';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Readonly<Record<400 | 401 | DocumentedError, string>> = {
  400: 'Dữ liệu chưa hợp lệ; `fields` nêu từng trường và lý do.',
  401: 'Thiếu mã truy cập, mã sai hoặc đã bị thu hồi.',
  403: 'Vai trò của tài khoản không được làm việc này.',
  404: 'Không có, hoặc nằm ngoài phạm vi của tài khoản.',
  409: 'Mâu thuẫn với trạng thái hiện tại.',
  503: 'Dịch vụ phụ thuộc chưa sẵn sàng.',
};

const ERROR_SCHEMA = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), in: z.enum(['path', 'query', 'body']), reason: z.string() })).optional(),
    }),
  })
  .meta({ description: 'Mọi câu trả lời lỗi.' });

/** JSON Schema 2020-12 (what OpenAPI 3.1 embeds), without the `$schema` line a sub-schema must not carry. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      ...(description === undefined ? {} : { description }),
      schema: propertySchema,
    };
  });
}

function errorResponse(status: keyof typeof ERROR_DESCRIPTIONS): JsonSchema {
  return { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

function operationObject(op: AnyOperation): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const status of op.response.statuses) {
    responses[String(status)] = { description: op.response.description, content: { [op.response.mediaType ?? 'application/json']: { schema: jsonSchemaOf(op.response.schema, 'output') } } };
  }
  if (op.params || op.query || op.body) responses['400'] = errorResponse(400);
  responses['401'] = errorResponse(401);
  for (const status of new Set<DocumentedError>([...(op.roles ? [403 as const] : []), ...(op.errors ?? [])])) responses[String(status)] = errorResponse(status);
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    tags: [op.tag],
    ...(op.roles ? { 'x-roles': op.roles } : {}),
    parameters: [...parametersOf(op.params, 'path'), ...parametersOf(op.query, 'query')],
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(op.body, 'input') } } } } : {}),
    responses,
  };
}

/** `/broadcasts/:id` → `/broadcasts/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of the given operations, generated from the very schemas that validate them. */
export function openApiDocument(operations: readonly AnyOperation[], basePath: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vùng Xanh API',
      version: '1',
      description: 'API cho công cụ của cán bộ và trang quản trị. Mọi yêu cầu cần Authorization: Bearer <mã> (tạo bằng npm run admin:token); dữ liệu trả về giới hạn trong phạm vi của tài khoản.',
    },
    servers: [{ url: basePath }],
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'Mã truy cập từ npm run admin:token.' } },
      schemas: { Error: jsonSchemaOf(ERROR_SCHEMA, 'output') },
    },
    paths,
  };
}
