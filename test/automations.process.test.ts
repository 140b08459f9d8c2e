import { OAuthServer } from './providers/oauth.server';
import { SlackServer } from './providers/slack.server';
import { PROCESS_ENV, removeDataDir, ServiceProcess, spawnService, stopProcess, waitUntil } from './support/process';
import { caseCreated, SEED_FLOWS } from './support/seed-flows';
import { BOOTSTRAP_KEY } from './support/service';
import { embeddedDatabaseUrl, gqlClient } from './support/sync-fixtures';

const RUNS = `query($id: ID!) { automation(id: $id) { runs(first: 10) { edges { node { id status attemptCount result error event { id } } } } } }`;

/**
 * One message, not two, when the worker dies mid-post: an api process records a high-priority
 * case, a worker process posts its Slack message, and the Slack stand-in keeps its answer back
 * (the message is in the channel already) while the worker is killed -9. A new worker finds the
 * run RUNNING past its lease, asks Slack whether the interrupted attempt posted
 * (conversations.history with include_all_metadata, looking for the run's metadata marker), and
 * ends the run SUCCEEDED with that message instead of posting again.
 */
describe('automation run across a worker crash', () => {
  let api: ServiceProcess | undefined;
  let worker: ServiceProcess | undefined;
  let oauth: OAuthServer;
  let slack: SlackServer;

  afterAll(async () => {
    await stopProcess(worker);
    await stopProcess(api);
    await Promise.all([slack?.stop(), oauth?.stop()]);
    if (api) removeDataDir(api.dataDir);
  });

  it('after kill -9 during chat.postMessage, exactly one message is posted and the run SUCCEEDS with it', async () => {
    oauth = await new OAuthServer().start();
    slack = await new SlackServer(oauth).start();
    const [channel] = slack.seedChannels(1, { name: 'support-escalations' });
    const hold = slack.holdPosts();

    // A short attempt deadline: the orphaned attempt's lease (deadline + 15 s) ends sooner.
    const env = { ...PROCESS_ENV, AUTOMATION_RUN_TIMEOUT_SECONDS: '5' };
    api = await spawnService({ ...env, ROLE: 'api' });
    const databaseUrl = embeddedDatabaseUrl(api.dataDir);
    worker = await spawnService({ ...env, ROLE: 'worker', DATABASE_URL: databaseUrl });
    const gql = gqlClient(api.url, BOOTSTRAP_KEY);
    const ok = async (query: string, variables: Record<string, unknown>) => {
      const res = await gql(query, variables);
      expect(res.errors).toBeUndefined();
      return res.data;
    };

    const connection = await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'slack', authType: 'TOKEN', name: 'HotCRM bot', credentials: { token: slack.botToken }, config: { baseUrl: `${slack.url}/api` } },
    });
    const flows = SEED_FLOWS({ slackChannel: channel.id, teamId: '-', teamsChannelId: '-', docusignTemplateId: '-' });
    const automation = await ok('mutation($input: CreateAutomationInput!) { createAutomation(input: $input) { id } }', {
      input: { ...flows.slackHighPriorityCases, connectionId: connection.createConnection.id },
    });
    const automationId = automation.createAutomation.id;
    const event = (
      await ok('mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }', { input: caseCreated({ subject: 'Killed mid-post' }) })
    ).publishEvent;
    const runOf = async () => ((await ok(RUNS, { id: automationId })).automation.runs.edges as any[]).map((e) => e.node).find((r) => r.event.id === event.id);

    await hold.held; // Slack has the message; the worker waits for the answer
    expect(slack.messagesIn(channel.id)).toHaveLength(1);
    worker.child.kill('SIGKILL');
    await worker.exited;
    hold.release();
    expect(await runOf()).toMatchObject({ status: 'RUNNING', attemptCount: 1 });

    worker = await spawnService({ ...env, ROLE: 'worker', DATABASE_URL: databaseUrl });
    let run: any;
    await waitUntil(
      async () => ['SUCCEEDED', 'FAILED'].includes((run = await runOf())?.status),
      150_000,
      () => worker!.output(),
    );

    const [message] = slack.messagesIn(channel.id);
    expect(slack.messagesIn(channel.id)).toHaveLength(1);
    expect(slack.requests.filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(1);
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null, result: { channel: channel.id, ts: message.ts } });
    // It asked rather than posted: the history read that found the run's marker.
    const lookups = slack.requests.filter((r) => r.path === '/api/conversations.history');
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(lookups[0].query.get('include_all_metadata')).toBe('true');
    expect(message.metadata).toEqual({ event_type: 'hotcrm_automation_run', event_payload: { run_id: run.id } });
    expect(message.text).toContain('Killed mid-post');
  }, 240_000);
});
