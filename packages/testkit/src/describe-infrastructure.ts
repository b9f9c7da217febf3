import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

/**
 * Names what the tests will really run against, for the test log: which MongoDB-compatible
 * server (FerretDB reports its own version) and how many Kafka brokers answered.
 */
export async function describeInfrastructure(kafkaBrokers: string, mongoUrl: string): Promise<string> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  let database: string;
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    database = info.ferretdbVersion
      ? `FerretDB ${info.ferretdbVersion} (MongoDB ${info.version} protocol)`
      : `MongoDB ${info.version}`;
  } finally {
    await client.close();
  }
  const admin = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return `Kafka at ${kafkaBrokers} (${cluster.brokers.length} broker(s), cluster ${cluster.clusterId}); ${database} at ${mongoUrl}`;
  } finally {
    await admin.disconnect();
  }
}
