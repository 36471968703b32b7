import { startService } from '@spreekuur/server';
import { buildApp } from './app.ts';
import { operatorTokenFile, resolveOperatorToken } from './operator/operator-token.ts';

const { app, config } = await startService('Spreekuur', async (deps) =>
  buildApp({ ...deps, operatorToken: await resolveOperatorToken(deps.config) }),
);

app.log.info(
  { operatorToken: config.OPERATOR_TOKEN ? 'from OPERATOR_TOKEN' : operatorTokenFile(config.DATA_DIR) },
  'operator token for `./spreekuur operator …`',
);
const { rows } = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM organisations');
if (rows[0]?.n === 0) {
  app.log.info(
    'No organisation yet. Create the first one with: ./spreekuur operator create-org --name "Welzijn Noord" --slug welzijn-noord',
  );
}
