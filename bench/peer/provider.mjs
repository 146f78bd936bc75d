// The benchmark's peer: panva's node `oidc-provider` (v9) configured as a client-credentials
// token server that issues RS256 JWT access tokens, run as a single node process.
//
// bench/run.py copies this file next to its own `npm install oidc-provider@9` (in
// bench/.scratch/peer/) and starts `node provider.mjs` with NODE_ENV=production and:
//   PEER_PORT           port to listen on (127.0.0.1 only)
//   PEER_CLIENT_ID      the one confidential client (client_secret_post)
//   PEER_CLIENT_SECRET
//   PEER_AUDIENCE       the one resource server; tokens for it are RS256 JWTs
//   PEER_SCOPE          the scope that resource server offers
import { generateKeyPairSync } from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

const port = Number(required('PEER_PORT'));
const clientId = required('PEER_CLIENT_ID');
const clientSecret = required('PEER_CLIENT_SECRET');
const audience = required('PEER_AUDIENCE');
const scope = required('PEER_SCOPE');

// A fresh RSA-2048 signing key per run, as Authgate uses by default.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: 'bench-rs256',
  alg: 'RS256',
  use: 'sig',
};

const resourceServer = {
  audience,
  scope,
  accessTokenFormat: 'jwt',
  accessTokenTTL: 86400,
  jwt: { sign: { alg: 'RS256' } },
};

const configuration = {
  jwks: { keys: [signingKey] },
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope,
    },
  ],
  scopes: [scope],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Without a `resource` parameter the token is still for the one resource server.
      defaultResource: () => audience,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== audience) {
          throw new errors.InvalidTarget();
        }
        return resourceServer;
      },
    },
  },
};

const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
