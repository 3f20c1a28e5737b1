import { describe, expect, it } from 'vitest';
import { DefinitionsFileSchema } from './schema.js';

const withSettings = (settings: Record<string, unknown>) => DefinitionsFileSchema.safeParse({ apiVersion: 'vigil.dev/v1', settings });
const messages = (settings: Record<string, unknown>): string => {
  const result = withSettings(settings);
  return result.success ? '' : result.error.issues.map((i) => i.message).join('; ');
};

describe('settings: remote_write and replicas', () => {
  it('accepts remote_write with secrets by file', () => {
    const result = withSettings({
      remote_write: [
        { url: 'https://vm.example/api/v1/write', basic_auth: { username: 'vigil', password_file: '/run/secrets/vm' } },
        { url: 'https://mimir.example/api/v1/push', bearer_token_file: '/run/secrets/mimir' },
      ],
      replicas: ['a', 'b'],
    });
    expect(result.success).toBe(true);
  });

  it('refuses credentials in the URL, as other URL fields do', () => {
    expect(messages({ remote_write: [{ url: 'https://user:pass@vm.example/api/v1/write' }] })).toMatch(/password in the URL/);
    expect(messages({ remote_write: [{ url: 'https://vm.example/api/v1/write?token=abc' }] })).toMatch(/query parameter `token`/);
  });

  it('refuses an inline password, a relative secret file and two kinds of auth at once', () => {
    expect(messages({ remote_write: [{ url: 'https://vm.example/w', basic_auth: { username: 'u', password: 'p' } }] })).not.toBe('');
    expect(messages({ remote_write: [{ url: 'https://vm.example/w', bearer_token_file: 'secrets/token' }] })).toMatch(/absolute path/);
    expect(
      messages({ remote_write: [{ url: 'https://vm.example/w', bearer_token_file: '/t', basic_auth: { username: 'u', password_file: '/p' } }] }),
    ).toMatch(/not both/);
  });

  it('refuses a single replica and a replica named twice', () => {
    expect(messages({ replicas: ['a'] })).toMatch(/at least two/);
    expect(messages({ replicas: ['a', 'a'] })).toMatch(/each replica once/);
  });
});
