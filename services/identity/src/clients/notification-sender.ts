import type { Logger } from '@balai/platform';
import type { Locale } from '../domain/tenants/tenant-settings.js';

export type NotificationTemplate = 'verification-code' | 'registration-attempt' | 'staff-activation';

/** One message to one contact; `params` fill the template (a code, a tenant name). */
export interface NotificationMessage {
  channel: 'email' | 'sms';
  /** The e-mail address or +62 number. */
  to: string;
  template: NotificationTemplate;
  locale: Locale;
  params: Record<string, string>;
}

/** Delivers account messages (e-mail, SMS). Injected at start-up; tests pass a capturing one. */
export interface NotificationSender {
  send(message: NotificationMessage): Promise<void>;
}

const texts: Record<Locale, Record<NotificationTemplate, (params: Record<string, string>) => string>> = {
  'id-ID': {
    'verification-code': (p) =>
      `Kode verifikasi Balai ${p.tenantName ?? ''}: ${p.code}. Berlaku ${p.minutes} menit. Jangan berikan kode ini kepada siapa pun.`,
    'registration-attempt': (p) =>
      `Seseorang mencoba mendaftar di Balai ${p.tenantName ?? ''} dengan data Anda. Jika itu Anda, silakan masuk atau atur ulang kata sandi. Jika bukan, abaikan pesan ini.`,
    'staff-activation': (p) =>
      `Akun petugas Balai ${p.tenantName ?? ''} telah dibuat untuk Anda. Kode aktivasi: ${p.code}, berlaku ${p.hours} jam. Gunakan untuk menetapkan kata sandi.`,
  },
  en: {
    'verification-code': (p) =>
      `Your Balai ${p.tenantName ?? ''} verification code: ${p.code}. Valid for ${p.minutes} minutes. Never share it with anyone.`,
    'registration-attempt': (p) =>
      `Someone tried to register at Balai ${p.tenantName ?? ''} with your details. If it was you, sign in or reset your password. If not, ignore this message.`,
    'staff-activation': (p) =>
      `A Balai ${p.tenantName ?? ''} staff account was created for you. Activation code: ${p.code}, valid for ${p.hours} hours. Use it to set your password.`,
  },
};

/** The text of a message in its locale. */
function renderNotification(message: NotificationMessage): string {
  return texts[message.locale][message.template](message.params).replace(/ {2,}/g, ' ');
}

/**
 * DEVELOPMENT ONLY (NOTIFICATION_SENDER=log): writes each message, code included, to the log
 * at info so a developer can register and verify without an SMS gateway or mail server. Its
 * whole point is to log what everything else must never log; production configures a real
 * sender (or none).
 */
export class LogNotificationSender implements NotificationSender {
  constructor(private readonly logger: Logger) {}

  async send(message: NotificationMessage): Promise<void> {
    // `recipient`, not `to`/`email`/`phone`: the logger's redaction would hide it, defeating the purpose.
    this.logger.info(
      {
        channel: message.channel,
        recipient: message.to,
        template: message.template,
        text: renderNotification(message),
      },
      'development notification (NOTIFICATION_SENDER=log; never in production)',
    );
  }
}

/**
 * NOTIFICATION_SENDER=none: drops messages. Accounts can then be created but not verified;
 * start-up warns about it. The default until a real e-mail/SMS sender is configured.
 */
export class DroppingNotificationSender implements NotificationSender {
  async send(): Promise<void> {}
}

/** The sender NOTIFICATION_SENDER names; each choice but a real one warns at start-up. */
export function configuredNotificationSender(choice: 'none' | 'log', logger: Logger): NotificationSender {
  if (choice === 'log') {
    logger.warn('NOTIFICATION_SENDER=log: account codes are written to the log (development only)');
    return new LogNotificationSender(logger.child({ component: 'notifications' }));
  }
  logger.warn('NOTIFICATION_SENDER=none: verification and activation codes are not delivered');
  return new DroppingNotificationSender();
}
