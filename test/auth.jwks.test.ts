import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { startTestService, TestService } from './support/service';

/** Gateway JWTs verified against a JWKS endpoint (RS256), as an identity provider publishes them. */
describe('gateway JWTs from a JWKS URL', () => {
  let t: TestService;
  let jwks: Server;
  let privateKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as KeyLike;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    t = await startTestService({ GATEWAY_JWT_SECRET: '', GATEWAY_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json` });
  });
  afterAll(async () => {
    await t.stop();
    jwks.closeAllConnections();
    await new Promise((r) => jwks.close(r));
  });

  const sign = (claims: Record<string, unknown>, key: KeyLike = privateKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u1').setIssuedAt().setExpirationTime('5m').sign(key);

  it('accepts a token signed by a published key, with its org and scopes', async () => {
    const res: any = await t.gql('{ connections { totalCount } }', undefined, await sign({ org: 'acme', scope: ['read:connections'] }));
    expect(res.errors).toBeUndefined();
    expect(res.data.connections.totalCount).toBe(0);
  });

  it('refuses a token signed by any other key, and an expired one', async () => {
    const other = (await generateKeyPair('RS256')).privateKey as KeyLike;
    const forged = await t.gql('{ connections { totalCount } }', undefined, await sign({ org: 'acme', scope: '*' }, other));
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const expired = await new SignJWT({ org: 'acme', scope: '*' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(privateKey);
    const late = await t.gql('{ connections { totalCount } }', undefined, expired);
    expect(late.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stops accepting a token at its expiry, though it was accepted (and remembered) before', async () => {
    // Verified tokens are remembered by their text; never past their exp.
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await new SignJWT({ org: 'acme', scope: '*' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt(now)
      .setExpirationTime(now + 2)
      .sign(privateKey);
    const before: any = await t.gql('{ connections { totalCount } }', undefined, shortLived);
    expect(before.errors).toBeUndefined();
    expect((await t.gql('{ connections { totalCount } }', undefined, shortLived)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, (now + 2) * 1000 - Date.now() + 100));
    const after = await t.gql('{ connections { totalCount } }', undefined, shortLived);
    expect(after.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
