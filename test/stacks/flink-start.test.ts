/**
 * A green deploy means the job runs: the Flink stack's start resource starts an application left in
 * READY and holds the deploy until it is RUNNING, failing it otherwise. The handlers run against a
 * stand-in for the Managed Flink API (which cannot run here); the template assertions show they are
 * wired as the provider framework's onEvent and isComplete.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { synthesizeStage } from './synth';

jest.setTimeout(120_000);

type Event = { RequestType: 'Create' | 'Update' | 'Delete'; ResourceProperties: { ApplicationName: string }; Data?: Record<string, string> };
type Handlers = { onEvent(e: Event): Promise<{ PhysicalResourceId: string; Data: Record<string, string> }>; isComplete(e: Event): Promise<{ IsComplete: boolean }> };
const { handlers } = require('../../lib/flink-start/index.js') as { handlers: (client: unknown, now: () => number) => Handlers };

/** Managed Flink as the handlers see it: a status per call, and the start requests it received. */
function flink(statuses: string[]) {
  const starts: string[] = [];
  let clock = 0;
  const client = {
    describe: async () => statuses.shift() ?? 'RUNNING',
    start: async (name: string) => void starts.push(name),
  };
  return { starts, tick: (seconds: number) => (clock += seconds * 1000), h: handlers(client, () => clock) };
}
const event = (RequestType: Event['RequestType'], Data?: Record<string, string>): Event => ({ RequestType, ResourceProperties: { ApplicationName: 'metricstream-prod' }, Data });

describe('start handlers', () => {
  test('an application in READY is started, and the deploy waits until it is RUNNING', async () => {
    const f = flink(['READY', 'STARTING', 'STARTING', 'RUNNING']);
    const created = await f.h.onEvent(event('Create'));
    expect(f.starts).toEqual(['metricstream-prod']);
    f.tick(30);
    expect(await f.h.isComplete(event('Create', created.Data))).toEqual({ IsComplete: false });
    f.tick(30);
    expect(await f.h.isComplete(event('Create', created.Data))).toEqual({ IsComplete: false });
    f.tick(30);
    expect(await f.h.isComplete(event('Create', created.Data))).toEqual({ IsComplete: true });
  });

  test('a running application (updates restart it themselves) is not started again', async () => {
    const f = flink(['UPDATING', 'RUNNING']);
    const updated = await f.h.onEvent(event('Update'));
    expect(f.starts).toEqual([]);
    expect(await f.h.isComplete(event('Update', updated.Data))).toEqual({ IsComplete: true });
  });

  test('an application that falls back to READY fails the deploy, naming it', async () => {
    const f = flink(['READY', 'STARTING', 'READY', 'READY']);
    const created = await f.h.onEvent(event('Create'));
    f.tick(30);
    expect(await f.h.isComplete(event('Create', created.Data))).toEqual({ IsComplete: false });
    f.tick(30); // READY right after the request may still be the start being accepted
    expect(await f.h.isComplete(event('Create', created.Data))).toEqual({ IsComplete: false });
    f.tick(60);
    await expect(f.h.isComplete(event('Create', created.Data))).rejects.toThrow('Flink application metricstream-prod is READY, not RUNNING');
  });

  test('an update that rolled back fails the deploy', async () => {
    const f = flink(['UPDATING', 'ROLLED_BACK']);
    const updated = await f.h.onEvent(event('Update'));
    f.tick(120);
    await expect(f.h.isComplete(event('Update', updated.Data))).rejects.toThrow('is ROLLED_BACK, not RUNNING');
  });

  test('deleting the resource touches nothing', async () => {
    const f = flink([]);
    await f.h.onEvent(event('Delete'));
    expect(await f.h.isComplete(event('Delete'))).toEqual({ IsComplete: true });
    expect(f.starts).toEqual([]);
  });
});

describe('the start resource in the template', () => {
  const { Flink } = synthesizeStage(CAPACITY_CONFIGS.prod).templates;

  test('is a provider-framework resource whose onEvent and isComplete are the handlers above, polled for 30 min', () => {
    Flink.resourceCountIs('Custom::AWS', 0);
    Flink.hasResourceProperties('Custom::FlinkApplicationRunning', {
      ApplicationName: 'metricstream-prod',
      Revision: { jar: Match.anyValue(), partitions: 12 },
    });
    for (const handler of ['index.onEvent', 'index.isComplete']) {
      Flink.hasResourceProperties('AWS::Lambda::Function', { Handler: handler, Runtime: Match.stringLikeRegexp('^nodejs') });
    }
    // The framework's waiter: isComplete every 30 s, 60 times.
    const machine = Object.values(Flink.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(JSON.stringify(machine.Properties.DefinitionString)).toMatch(/\\"IntervalSeconds\\":30,\\"MaxAttempts\\":60/);
  });

  test('the handlers may describe and start this application only', () => {
    Flink.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kinesisanalytics:DescribeApplication', 'kinesisanalytics:StartApplication'],
            Resource: Match.stringLikeRegexp(':application/metricstream-prod$'),
          }),
        ]),
      },
    });
  });
});
