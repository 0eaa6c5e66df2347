import { describe, expect, it } from 'vitest';
import { functionUrlTarget } from '../../../shared/function-url.ts';

describe('functionUrlTarget: where a Function URL request goes', () => {
  it('sends the LocalStack form to the edge with its own name as Host (the public name does not resolve offline)', () => {
    // Act
    const t = functionUrlTarget('http://abc123.lambda-url.us-east-1.localhost.localstack.cloud:4566/counts?x=1');
    // Assess
    expect(t.connect.href).toBe('http://127.0.0.1:4566/counts?x=1');
    expect(t.host).toBe('abc123.lambda-url.us-east-1.localhost.localstack.cloud:4566');
  });

  it('turns the IP form (LocalStack addressed by IP) into the edge at that IP with the LocalStack Host', () => {
    const t = functionUrlTarget('http://abc123.lambda-url.eu-west-1.127.0.0.2:4566/health?a=b');
    expect(t.connect.href).toBe('http://127.0.0.2:4566/health?a=b');
    expect(t.host).toBe('abc123.lambda-url.eu-west-1.localhost.localstack.cloud:4566');
  });

  it('uses an explicit edge (LOCALSTACK_ENDPOINT) when given', () => {
    const t = functionUrlTarget(
      'http://abc123.lambda-url.us-east-1.localhost.localstack.cloud:4566/',
      'http://127.0.0.1:4570',
    );
    expect(t.connect.href).toBe('http://127.0.0.1:4570/');
    expect(t.host).toBe('abc123.lambda-url.us-east-1.localhost.localstack.cloud:4570');
  });

  it('leaves AWS Function URLs and anything else as they are', () => {
    for (const u of ['https://abc.lambda-url.eu-west-1.on.aws/counts', 'http://127.0.0.1:3000/health']) {
      const t = functionUrlTarget(u);
      expect(t.connect.href).toBe(u);
      expect(t.host).toBeUndefined();
    }
  });
});
