// A training job's progress in the words of its request (member i of k, epoch e of n, time left), one wording for the
// jobs list and the job's page, so the two never tell a person different things.

import { duration } from './dom.js';

const FINISHED = ['succeeded', 'failed', 'canceled'];

/** "member 4 of 10 at epoch 12 of 50" for each member training now, joined; members train side by side. */
function training(progress) {
  const { members, epochsPerMember, membersTraining = [] } = progress;
  return membersTraining.map((m, i) => (i === 0
    ? `member ${m.member} of ${members} at epoch ${m.epoch} of ${epochsPerMember}`
    : `member ${m.member} at epoch ${m.epoch}`)).join(', ');
}

/** How far a job has come, e.g. "3 of 10 members done · member 4 of 10 at epoch 12 of 50, member 5 at epoch 7". */
export function progressWords(job) {
  const progress = job.progress;
  if (!progress) return job.status === 'queued' ? 'waiting to start' : 'no epochs yet';
  // Progress stored before the service reported members: only the count over the whole ensemble is known.
  if (progress.members === null || progress.members === undefined) {
    return `${progress.epoch} of ${progress.epochs} epochs over all members`;
  }
  const { members, membersDone = 0, membersTraining = [] } = progress;
  // The last report comes during the last epoch, before its member is counted: every member named in it has ended.
  const ended = membersDone + membersTraining.length;
  if (job.status === 'succeeded') return members === 1 ? 'trained' : `${ended} of ${members} members trained`;
  if (FINISHED.includes(job.status)) return `stopped with ${membersDone} of ${members} members done`;
  if (members === 1) return `epoch ${membersTraining[0]?.epoch ?? 0} of ${progress.epochsPerMember}`;
  return `${membersDone} of ${members} members done · ${training(progress)}`;
}

/** Time left while the job runs: at most, since early stopping may end members sooner. */
export function timeLeftWords(job) {
  const eta = job.progress?.etaSeconds;
  if (FINISHED.includes(job.status) || eta === null || eta === undefined) return null;
  return `at most ${duration(eta)} left`;
}

/** The progress and the time left in one line, as the list shows it. */
export const progressLine = (job) => [progressWords(job), timeLeftWords(job)].filter(Boolean).join(' · ');
