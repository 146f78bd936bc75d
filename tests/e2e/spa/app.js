// A single-page application as Auth0's quickstart writes one: auth0-spa-js with refresh tokens
// (no iframe). window.app exposes each step to the test, which calls them with page.evaluate.
/* global auth0, AUTHGATE */
'use strict';

const ready = auth0.createAuth0Client({
  domain: AUTHGATE.domain,
  clientId: AUTHGATE.clientId,
  cacheLocation: AUTHGATE.cacheLocation,
  useRefreshTokens: true,
  useRefreshTokensFallback: false,
  authorizationParams: {
    redirect_uri: `${window.location.origin}/callback`,
    scope: 'openid profile email offline_access',
  },
});

// The refresh token the SDK keeps in its localStorage cache entry.
function storedRefreshToken() {
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i);
    if (key.startsWith('@@auth0spajs@@') && !key.endsWith('@@user@@')) {
      return JSON.parse(localStorage.getItem(key)).body.refresh_token ?? null;
    }
  }
  return null;
}

function failure(error) {
  return { error: error.error ?? error.name, description: error.error_description ?? error.message };
}

window.app = {
  ready: () => ready.then(() => true),
  async callback() {
    const client = await ready;
    try {
      const result = await client.handleRedirectCallback();
      const claims = await client.getIdTokenClaims();
      return {
        appState: result.appState ?? null,
        authenticated: await client.isAuthenticated(),
        user: await client.getUser(),
        claims: { iss: claims.iss, aud: claims.aud, nonce: claims.nonce, sid: claims.sid },
        accessToken: await client.getTokenSilently(),
        refreshToken: storedRefreshToken(),
      };
    } catch (error) {
      return failure(error);
    }
  },
  async logout() {
    const client = await ready;
    await client.logout({ logoutParams: { returnTo: `${window.location.origin}/` } });
    return true;
  },
  async authenticated() {
    const client = await ready;
    return client.isAuthenticated();
  },
  async refresh() {
    const client = await ready;
    try {
      const tokens = await client.getTokenSilently({ cacheMode: 'off', detailedResponse: true });
      return {
        accessToken: tokens.access_token,
        expiresIn: tokens.expires_in,
        refreshToken: storedRefreshToken(),
        user: await client.getUser(),
      };
    } catch (error) {
      return failure(error);
    }
  },
};

ready.then(
  () => {
    const button = document.getElementById('login');
    button.disabled = false;
    button.addEventListener('click', async () => {
      const client = await ready;
      await client.loginWithRedirect({ appState: { returnTo: '/profile' } });
    });
  },
  (error) => {
    document.getElementById('out').textContent = `${error.name}: ${error.message}`;
  },
);
