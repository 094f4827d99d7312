// A real OpenID provider for the tests: npm oidc-provider (certified), on 127.0.0.1:$PORT, with
// the portal as its client and a few people. tests/oidc_provider.py starts and stops it.
//
// Its development login form takes a person's id (below) as the login and any password. What a
// well-behaved provider never sends, the tests ask for through POST /test/next-token {"fault": ...}:
// the next token response's ID token is re-signed with one claim wrong (aud, iss, exp, nonce) or
// has a byte of its signature changed, so the portal's own checks are what refuse it.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS and POST_LOGOUT_REDIRECT_URIS
// (space-separated).
import { createSign, generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const uris = (name) => (process.env[name] || "").split(" ").filter(Boolean);

// The people the provider knows. Their roles are the values an Entra ID app's roles would have.
const PEOPLE = {
  admin: { email: "admin@example.org", roles: ["Portal.Admin"] },
  coordinator: { email: "coordinator@example.org", roles: ["Portal.Coordinator"] },
  facilitator: { email: "facilitator@example.org", roles: ["Portal.Facilitator"] },
  learning: { email: "learning@example.org", roles: ["Portal.LearningGroup"] },
  stranger: { email: "stranger@example.org", roles: ["Portal.Coordinator"] },
  departed: { email: "departed@example.org", roles: ["Portal.Coordinator"] },
  unverified: { email: "coordinator@example.org", roles: ["Portal.Coordinator"], verified: false },
  norole: { email: "coordinator@example.org", roles: [] },
};

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: uris("REDIRECT_URIS"),
      post_logout_redirect_uris: uris("POST_LOGOUT_REDIRECT_URIS"),
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ["test-only-cookie-key"] },
  // As Microsoft Entra ID does: the claims asked for are in the ID token itself.
  conformIdTokenClaims: false,
  claims: { openid: ["sub", "roles"], email: ["email", "email_verified"], profile: ["name"] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const person = PEOPLE[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: person.email,
          email_verified: person.verified ?? true,
          name: id,
          roles: person.roles,
        };
      },
    };
  },
  // A first-party app: no consent screen, as an organisation's own apps are pre-approved.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

function resign(idToken, change) {
  const [header, payload] = idToken.split(".");
  const claims = { ...JSON.parse(Buffer.from(payload, "base64url")), ...change };
  const signed = `${header}.${b64(claims)}`;
  const signature = createSign("RSA-SHA256").update(signed).sign(privateKey, "base64url");
  return `${signed}.${signature}`;
}

const FAULTS = {
  audience: (t) => resign(t, { aud: "another-app" }),
  issuer: (t) => resign(t, { iss: "http://127.0.0.1:1/elsewhere" }),
  expired: (t) => {
    const now = Math.floor(Date.now() / 1000);
    return resign(t, { iat: now - 7200, exp: now - 3600 });
  },
  nonce: (t) => resign(t, { nonce: "not-the-one-sent" }),
  signature: (t) => {
    const [header, payload, signature] = t.split(".");
    const bytes = Buffer.from(signature, "base64url");
    bytes[0] ^= 1;
    return `${header}.${payload}.${bytes.toString("base64url")}`;
  },
};
let nextFault = null;

provider.use(async (ctx, next) => {
  if (ctx.path === "/test/next-token" && ctx.method === "POST") {
    let body = "";
    for await (const chunk of ctx.req) body += chunk;
    const { fault } = JSON.parse(body || "{}");
    if (fault && !FAULTS[fault]) ctx.throw(400, "unknown fault");
    nextFault = fault || null;
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === "/token" && nextFault && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: FAULTS[nextFault](ctx.body.id_token) };
    nextFault = null;
  }
});

provider.listen(port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
