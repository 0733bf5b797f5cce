import { ScryptPasswordHasher } from './scrypt-password-hasher';

describe(ScryptPasswordHasher.name, () => {
  const hasher = new ScryptPasswordHasher();

  it('verifies the password it hashed and refuses another', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('still verifies hashes made with other stored parameters (N=2^17, r=8, p=1)', async () => {
    const older = new ScryptPasswordHasher({ N: 1 << 17, r: 8, p: 1 });
    const hash = await older.hash('an older password');
    expect(hash.startsWith('scrypt$131072$8$1$')).toBe(true);
    await expect(hasher.verify('an older password', hash)).resolves.toBe(true);
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    await expect(hasher.verify('x', 'not-a-hash')).resolves.toBe(false);
  });
});
