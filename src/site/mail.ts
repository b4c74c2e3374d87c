import nodemailer, { type Transporter } from "nodemailer";
import type { Config } from "../config.js";

const transports = new WeakMap<Config, Transporter>();

/** The SMTP transport for SMTP_URL (one per config), or undefined when the site sends no email. */
export function mailTransport(config: Config): Transporter | undefined {
  if (!config.smtpUrl) return undefined;
  let transport = transports.get(config);
  if (!transport) {
    transport = nodemailer.createTransport(config.smtpUrl);
    transports.set(config, transport);
  }
  return transport;
}
