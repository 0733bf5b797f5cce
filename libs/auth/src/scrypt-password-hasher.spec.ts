import { concurrencyLimit, ScryptPasswordHasher } from './scrypt-password-hasher';

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

  it('stores N=2^15, r=8, p=3 with a new hash', async () => {
    expect((await hasher.hash('a password')).startsWith('scrypt$32768$8$3$')).toBe(true);
  });

  it('runs at most the limit of tasks at once, the others in order as slots free up', async () => {
    const run = concurrencyLimit(2);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number) => async () => {
      started.push(n);
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 5 + (n % 2) * 5));
      active--;
      return n;
    };
    await expect(Promise.all([0, 1, 2, 3, 4, 5].map((n) => run(task(n))))).resolves.toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    await expect(run(() => Promise.reject(new Error('failed task')))).rejects.toThrow('failed task');
    await expect(run(task(6))).resolves.toBe(6);
  });

  it('still verifies hashes made with other stored parameters (N=2^17, r=8, p=1)', async () => {
    const older = new ScryptPasswordHasher({ N: 1 << 17, r: 8, p: 1 });
    const hash = await older.hash('an older password');
    expect(hash.startsWith('scrypt$131072$8$1$')).toBe(true);
    await expect(hasher.verify('an older password', hash)).resolves.toBe(true);
    const previous = await new ScryptPasswordHasher({ N: 1 << 14, r: 8, p: 5 }).hash('a previous password');
    await expect(hasher.verify('a previous password', previous)).resolves.toBe(true);
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    await expect(hasher.verify('x', 'not-a-hash')).resolves.toBe(false);
  });
});
