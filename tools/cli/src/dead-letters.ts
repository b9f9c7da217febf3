import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { run } from './processes.ts';
import { kafkaBrokers, settings } from './settings.ts';

/** The platform kit runs from its build here (the CLI itself runs from source). */
async function platform() {
  if (!existsSync(join(settings.root, 'packages/platform/dist/index.js'))) {
    await run('pnpm', ['turbo', 'run', 'build', '--filter=@balai/platform', '--output-logs=errors-only']);
  }
  return import('@balai/platform');
}

async function kafkaFor(brokers: string | undefined) {
  const kit = await platform();
  const logger = kit.createLogger({ service: 'balai-cli', level: 'warn' });
  return {
    kit,
    kafka: kit.createKafka({ clientId: 'balai-cli', brokers: (brokers ?? kafkaBrokers()).split(','), logger }),
  };
}

export async function listDeadLetters(options: { group: string; brokers?: string; prefix?: string }): Promise<void> {
  const { kit, kafka } = await kafkaFor(options.brokers);
  const letters = await kit.readDeadLetters({ kafka, groupId: options.group, topicPrefix: options.prefix ?? '' });
  if (letters.length === 0) {
    console.log(`no dead letters for consumer group ${options.group}`);
    return;
  }
  for (const letter of letters) {
    console.log(
      `${pc.bold(`#${letter.offset}`)} ${letter.deadAt} ${letter.eventType ?? '(no type)'} ${letter.eventId ?? ''}\n` +
        `    from ${letter.originalTopic}[${letter.originalPartition}]@${letter.originalOffset}, key ${letter.key}, ` +
        `${letter.attempts} attempt(s)\n    ${pc.red(letter.reason)}`,
    );
  }
  console.log(`${letters.length} dead letter(s) in ${kit.deadLetterTopic(options.group, options.prefix ?? '')}`);
}

export async function replayDeadLetterQueue(options: {
  group: string;
  brokers?: string;
  prefix?: string;
}): Promise<void> {
  const { kit, kafka } = await kafkaFor(options.brokers);
  const producer = kit.createProducer(kafka);
  await producer.connect();
  try {
    const replayed = await kit.replayPendingDeadLetters({
      kafka,
      producer,
      groupId: options.group,
      topicPrefix: options.prefix ?? '',
    });
    console.log(`${pc.green('✔')} replayed ${replayed.length} dead letter(s) of ${options.group} to their topics`);
  } finally {
    await producer.disconnect();
  }
}
