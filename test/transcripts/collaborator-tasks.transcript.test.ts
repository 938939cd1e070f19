import { CADRE_TEXT, MENU, TEXT, openTaskPost, taskDoneChoice } from '../../src/dialogs/messages.vi';
import { aDistrict, aMember, anIdentityFor, aTask, aUnit } from '../helpers/builders';
import { createTranscriptWorld, type TranscriptUser, type TranscriptWorld } from '../helpers/transcript';

// 10:00 on 1 December 2026 in Hồ Chí Minh City.
const NOW = new Date('2026-12-01T03:00:00Z');
const HOUR = 3_600_000;

let world: TranscriptWorld;
beforeAll(async () => {
  world = await createTranscriptWorld({ now: () => NOW });
});
afterAll(() => world.close());

type Channel = 'zalo' | 'messenger';
const otherChannel = (channel: Channel): Channel => (channel === 'zalo' ? 'messenger' : 'zalo');

async function collaboratorIn(branchId: string, channel: Channel, isCollaborator = true): Promise<{ user: TranscriptUser; memberId: string }> {
  const memberId = await aMember(world.db, { branchId, isCollaborator });
  const user = world.user(channel);
  await anIdentityFor(world.db, user, memberId);
  return { user, memberId };
}

/** A cluster with two branches; tasks for everyone, for the cluster, for the other branch, past, closed. */
async function tasksAround() {
  // Tasks for everyone reach every collaborator: close the earlier tests' ones.
  await world.db.updateTable('tasks').set({ status: 'closed' }).where('unit_id', 'is', null).execute();
  const district = await aDistrict(world.db);
  const cluster = await aUnit(world.db, district, { level: 'cluster' });
  const branchId = await aUnit(world.db, cluster);
  const otherBranch = await aUnit(world.db, cluster);
  const forEveryone = await aTask(world.db, {
    title: 'Chia sẻ bài Quận Đoàn',
    actions: ['like', 'share'],
    deadline: new Date(NOW.getTime() + 8 * HOUR),
    postUrl: 'https://www.facebook.com/quandoanbinhtan/posts/111',
    description: 'Bài về Tháng Thanh niên',
  });
  const forCluster = await aTask(world.db, { title: 'Bình luận bài khu vực', actions: ['comment'], unitId: cluster, deadline: new Date(NOW.getTime() + 30 * HOUR) });
  await aTask(world.db, { title: 'Việc của chi đoàn khác', unitId: otherBranch, deadline: new Date(NOW.getTime() + 5 * HOUR) });
  await aTask(world.db, { title: 'Việc đã hết hạn', deadline: new Date(NOW.getTime() - HOUR) });
  await aTask(world.db, { title: 'Việc đã đóng', status: 'closed', deadline: new Date(NOW.getTime() + HOUR) });
  return { branchId, forEveryone, forCluster };
}

async function completions(memberId: string) {
  return world.db.selectFrom('task_completions').select(['task_id', 'link_url']).where('member_id', '=', memberId).orderBy('completed_at').execute();
}

describe.each(['zalo', 'messenger'] as const)("collaborators' tasks on %s", (channel) => {
  test('a member who is not a collaborator is told so and gets the menu', async () => {
    const { branchId } = await tasksAround();
    const { user } = await collaboratorIn(branchId, channel, false);
    await user.say(MENU.collaboratorTasks.keyword);
    expect(user.lastText()).toContain(CADRE_TEXT.notCollaborator);
    expect(user.lastText()).toContain(TEXT.menuPrompt);
    expect(user.lastText()).not.toContain('Chia sẻ bài Quận Đoàn');
  });

  test('the open tasks meant for them: what to do, the deadline in local time, the post to open', async () => {
    const { branchId } = await tasksAround();
    const { user } = await collaboratorIn(branchId, channel);
    await user.say(MENU.collaboratorTasks.keyword);
    const text = user.lastText();
    expect(text).toContain('Bạn có 2 nhiệm vụ CTV đang mở');
    expect(text).toContain('1. Chia sẻ bài Quận Đoàn\n   Việc cần làm: thích, chia sẻ\n   Hạn: 18:00 ngày 1/12/2026\n   Bài về Tháng Thanh niên');
    expect(text).toContain('2. Bình luận bài khu vực\n   Việc cần làm: bình luận\n   Hạn: 16:00 ngày 2/12/2026');
    for (const hidden of ['Việc của chi đoàn khác', 'Việc đã hết hạn', 'Việc đã đóng']) expect(text).not.toContain(hidden);
    if (channel === 'messenger') {
      expect(user.lastReply().flatMap((s) => s.buttons)).toContainEqual({ type: 'web_url', title: openTaskPost(1), url: 'https://www.facebook.com/quandoanbinhtan/posts/111' });
      expect(user.lastReply().at(-1)?.quickReplies).toEqual([taskDoneChoice(1), taskDoneChoice(2), CADRE_TEXT.later]);
    } else {
      expect(text).toContain(`${openTaskPost(1)}: https://www.facebook.com/quandoanbinhtan/posts/111`);
    }
  });

  test('done without a link, then done with a link (tracking removed): each once, and what remains', async () => {
    const { branchId, forEveryone, forCluster } = await tasksAround();
    const { user, memberId } = await collaboratorIn(branchId, channel);
    await user.say(MENU.collaboratorTasks.keyword);
    await user.pick(taskDoneChoice(1));
    expect(user.lastText()).toContain(CADRE_TEXT.askTaskLink);
    await user.pick(CADRE_TEXT.noLink);
    expect(user.lastText()).toContain('Cảm ơn bạn đã hoàn thành nhiệm vụ “Chia sẻ bài Quận Đoàn”');
    expect(user.lastText()).toContain('Bạn có 1 nhiệm vụ CTV đang mở');
    expect(user.lastText()).toContain('1. Bình luận bài khu vực');

    await user.pick(taskDoneChoice(1));
    await user.say('không phải link');
    expect(user.lastText()).toContain(CADRE_TEXT.badTaskLink);
    await user.say('Mình bình luận rồi nè https://m.facebook.com/story.php?story_fbid=987&id=555&fbclid=IwAR0abc');
    expect(user.lastText()).toContain('Cảm ơn bạn đã hoàn thành nhiệm vụ “Bình luận bài khu vực”');
    expect(user.lastText()).toContain(CADRE_TEXT.allTasksDone);

    expect(await completions(memberId)).toEqual([
      { task_id: forEveryone, link_url: null },
      { task_id: forCluster, link_url: 'https://www.facebook.com/permalink.php?story_fbid=987&id=555' },
    ]);
    await user.say(MENU.collaboratorTasks.keyword);
    expect(user.lastText()).toContain(CADRE_TEXT.noTasks);
  });

  test('marking a task done twice (from both channels at once) records it once and says so', async () => {
    const { branchId, forEveryone } = await tasksAround();
    const { user, memberId } = await collaboratorIn(branchId, channel);
    const sameOnOtherChannel = world.user(otherChannel(channel));
    await anIdentityFor(world.db, sameOnOtherChannel, memberId);
    await user.say(MENU.collaboratorTasks.keyword);
    await sameOnOtherChannel.say(MENU.collaboratorTasks.keyword);
    await user.pick(taskDoneChoice(1));
    await sameOnOtherChannel.pick(taskDoneChoice(1));
    await user.say('https://www.facebook.com/an/posts/42?mibextid=xyz');
    await sameOnOtherChannel.pick(CADRE_TEXT.noLink);
    expect(sameOnOtherChannel.lastText()).toContain(CADRE_TEXT.taskAlreadyDone);
    expect(sameOnOtherChannel.lastText()).toContain('Bạn có 1 nhiệm vụ CTV đang mở');
    expect(await completions(memberId)).toEqual([{ task_id: forEveryone, link_url: 'https://www.facebook.com/an/posts/42' }]);
  });

  test('"Để sau" leaves everything as it was', async () => {
    const { branchId } = await tasksAround();
    const { user, memberId } = await collaboratorIn(branchId, channel);
    await user.say(MENU.collaboratorTasks.keyword);
    await user.pick(CADRE_TEXT.later);
    expect(user.lastText()).toContain(CADRE_TEXT.tasksLater);
    expect(await completions(memberId)).toEqual([]);
  });
});
