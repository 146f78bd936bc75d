// The authorization code flow with PKCE through openid-client (a certified relying party),
// driven by tests/e2e/test_login_openid_client.py, which plays the browser.
//
//   node openid_client_flow.mjs ISSUER CLIENT_ID REDIRECT_URI
//
// Writes one JSON line {"authorization_url": ...}, reads the callback URL the browser was sent to
// on one line of stdin, then writes one JSON line with what the client saw (or {"error": ...}).
import * as readline from 'node:readline';
import * as client from 'openid-client';

const [issuer, clientId, redirectUri] = process.argv.slice(2);
const scope = 'openid profile email offline_access';

function say(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function oneLine() {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  throw new Error('stdin closed before the callback URL arrived');
}

// The server's own error for a request, as openid-client reports it.
async function refused(promise) {
  try {
    await promise;
    return null;
  } catch (error) {
    return { name: error.name, error: error.error ?? null, status: error.status ?? null };
  }
}

async function main() {
  const options = issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {};
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), options);
  client.enableNonRepudiationChecks(config); // ID token signatures checked against the JWKS
  const metadata = config.serverMetadata();

  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  say({ authorization_url: url.href });

  const callback = new URL(await oneLine());
  const checks = { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce };
  const tokens = await client.authorizationCodeGrant(config, callback, checks);
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const reused = await refused(client.refreshTokenGrant(config, tokens.refresh_token));
  const replayed = await refused(client.authorizationCodeGrant(config, callback, checks));

  say({
    issuer: metadata.issuer,
    iss_parameter_supported: metadata.authorization_response_iss_parameter_supported ?? false,
    token_type: tokens.token_type,
    scope: tokens.scope,
    expires_in: tokens.expiresIn(),
    claims,
    userinfo,
    replayed_code: replayed,
    refreshed: {
      rotated: refreshed.refresh_token !== tokens.refresh_token,
      sub: refreshed.claims()?.sub ?? null,
    },
    reused_refresh_token: reused,
  });
}

main().catch((error) => {
  say({
    error: `${error.name}: ${error.message}`,
    code: error.code ?? null,
    status: error.status ?? null,
    cause: error.cause ?? null,
    stack: error.stack,
  });
  process.exitCode = 1;
});
