import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { makeDocumentClient } from '../../shared/adapters/aws.ts';
import { makeDynamoCanonicalStore } from '../../shared/adapters/dynamo-canonical-store.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { loadQueryConfig } from '../../shared/config.ts';
import { openApiDocument } from '../../shared/query/openapi.ts';
import { makeQueryHandler } from './app.ts';

// Cold start: config, clients, the OpenAPI document and the dashboard files (functions/query/assets.ts), once.
const config = loadQueryConfig();
const logger = new Logger({ serviceName: 'query' });
const store = makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME);
const app = makeQueryHandler({
  store,
  canonical: makeDynamoCanonicalStore(store),
  // No answer cache (issue 17.3): it could answer from before an ingest that already says done.
  openapi: openApiDocument(),
  logger,
  // The sandbox says whether its demo data is still being ingested (RADAR_SANDBOX_DEMO); absent on AWS.
  health: async () => ({
    status: 200,
    body: { status: 'ok', ...(process.env.RADAR_SANDBOX_DEMO ? { demo: process.env.RADAR_SANDBOX_DEMO } : {}) },
  }),
});

export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {
  logger.addContext(context);
  return app(event, context);
};
