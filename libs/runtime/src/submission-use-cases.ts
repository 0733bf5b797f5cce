import {
  AuditLog,
  MaintainQuarantineUseCase,
  ManageDatasetsUseCase,
  OrganizationRepository,
  ProcessSubmissionUseCase,
  ReadProtocolsUseCase,
  ReviewSubmissionUseCase,
  SubmissionJobs,
  UploadSubmissionUseCase,
} from '@imagora/domain';
import { DataSource, TypeormDatasetRepository, TypeormSubmissionRepository } from '@imagora/persistence';
import { ObjectStore } from '@imagora/storage';
import { AdvanceSubmissionJob, JobQueue, Queues } from '@imagora/jobs';
import { ImagoraConfig } from '@imagora/core';
import { StoredDicomProcessor } from './submissions/stored-dicom-processor';

export interface SubmissionUseCases {
  datasets: ManageDatasetsUseCase;
  upload: UploadSubmissionUseCase;
  process: ProcessSubmissionUseCase;
  review: ReviewSubmissionUseCase;
  maintenance: MaintainQuarantineUseCase;
  repository: TypeormSubmissionRepository;
}

/** pg-boss as the domain's job port: one `submission.advance` job per step request. */
class QueuedSubmissionJobs implements SubmissionJobs {
  constructor(private readonly jobs: JobQueue) {}

  async advance(submissionId: string, requestId?: string): Promise<void> {
    const id = await this.jobs.send<AdvanceSubmissionJob>(Queues.advanceSubmission, { submissionId, requestId });
    if (!id) throw new Error(`the job queue refused to schedule submission ${submissionId}`);
  }
}

export function composeSubmissionUseCases(input: {
  dataSource: DataSource;
  objectStore: ObjectStore;
  jobs: JobQueue;
  organizations: OrganizationRepository;
  auditLog: AuditLog;
  protocols: ReadProtocolsUseCase;
  pseudonymKey: Buffer;
  config: ImagoraConfig;
}): SubmissionUseCases {
  const datasets = new TypeormDatasetRepository(input.dataSource);
  const submissions = new TypeormSubmissionRepository(input.dataSource);
  const jobs = new QueuedSubmissionJobs(input.jobs);
  const dicom = new StoredDicomProcessor(input.objectStore, input.pseudonymKey);
  const retention = { quarantineRetentionHours: input.config.quarantineRetentionHours, fileConcurrency: input.config.pipelineConcurrency };
  return {
    datasets: new ManageDatasetsUseCase(datasets, input.organizations, input.auditLog),
    upload: new UploadSubmissionUseCase(datasets, submissions, input.protocols, input.objectStore, jobs, input.auditLog, input.config.upload),
    process: new ProcessSubmissionUseCase(submissions, datasets, input.protocols, input.objectStore, dicom, input.auditLog, retention),
    review: new ReviewSubmissionUseCase(submissions, input.objectStore, dicom, jobs, input.auditLog, retention),
    maintenance: new MaintainQuarantineUseCase(submissions, input.objectStore, { staleUploadHours: input.config.staleUploadHours, quarantineRetentionHours: input.config.quarantineRetentionHours }),
    repository: submissions,
  };
}
