// HTTPS needs a certificate from the first start: generate a self-signed one
// into the data folder once, and reuse it afterwards.
import fs from "node:fs";
import path from "node:path";

export interface TlsFiles {
  cert: string;
  key: string;
}

export async function loadOrCreateCertificate(dataDir: string): Promise<{ cert: Buffer; key: Buffer; generated: boolean }> {
  const dir = path.join(dataDir, "tls");
  const certFile = path.join(dir, "gateway.crt");
  const keyFile = path.join(dir, "gateway.key");
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), generated: false };
  }
  // Loaded only to generate: the certificate library is large and not needed afterwards.
  const { generate } = await import("selfsigned");
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 2);
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: notAfter,
    extensions: [
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Write the key first, then the certificate: a certificate on disk means both are complete.
  writeAtomically(keyFile, pems.private, 0o600);
  writeAtomically(certFile, pems.cert, 0o644);
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), generated: true };
}

function writeAtomically(file: string, content: string, mode: number) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}
