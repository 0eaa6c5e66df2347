/**
 * Where to send a request for a Lambda Function URL, and with which Host header.
 *
 * LocalStack answers Function URLs on its edge, routing by the Host header `<id>.lambda-url.<region>.<edge host>`.
 * Its `QueryUrl` output names the host in one of two forms, neither of which resolves everywhere:
 * `http://<id>.lambda-url.us-east-1.localhost.localstack.cloud:4566/` (a public DNS name: offline it does not resolve)
 * and, when LocalStack is addressed by IP, `http://<id>.lambda-url.us-east-1.127.0.0.1:4566/` (no resolver knows it).
 * Both are reached by connecting to the edge itself and sending the LocalStack form as the Host (issue 13).
 * AWS's own `*.lambda-url.<region>.on.aws` URLs resolve and are used as they are.
 */
export interface FunctionUrlTarget {
  /** The URL to connect to (same path and query). */
  connect: URL;
  /** The Host header to send, when it differs from the URL's host. */
  host?: string;
}

const LOCALSTACK_FORM = /^([a-z0-9]+)\.lambda-url\.([a-z0-9-]+)\.localhost\.localstack\.cloud$/;
// A host ending in an IPv4 address is no valid URL host (WHATWG parses it as a bad IPv4), so this form is read as text.
const IP_FORM =
  /^(https?:)\/\/([a-z0-9]+)\.lambda-url\.([a-z0-9-]+)\.(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?(\/[\s\S]*)?$/;

/** `edge` is where LocalStack listens (LOCALSTACK_ENDPOINT); by default the IP in the URL, else 127.0.0.1. */
export function functionUrlTarget(url: string, edge?: string): FunctionUrlTarget {
  const ip = IP_FORM.exec(url);
  if (ip) {
    const [, protocol, id, region, addr, port = protocol === 'https:' ? '443' : '80', rest = '/'] = ip;
    return viaEdge(id!, region!, rest, edge ?? `${protocol}//${addr}:${port}`);
  }
  const u = new URL(url);
  const ls = LOCALSTACK_FORM.exec(u.hostname);
  if (!ls) return { connect: u };
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return viaEdge(ls[1]!, ls[2]!, u.pathname + u.search, edge ?? `${u.protocol}//127.0.0.1:${port}`);
}

function viaEdge(id: string, region: string, pathAndQuery: string, edge: string): FunctionUrlTarget {
  const base = new URL(edge);
  const port = base.port || (base.protocol === 'https:' ? '443' : '80');
  return {
    connect: new URL(pathAndQuery, base),
    host: `${id}.lambda-url.${region}.localhost.localstack.cloud:${port}`,
  };
}
