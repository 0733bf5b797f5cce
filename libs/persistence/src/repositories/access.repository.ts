import { DataSource } from 'typeorm';
import { AccessRepository, AccessRequest } from '@imagora/domain';
import { AccessRequestEntity, AgreementAcceptanceEntity } from '../entities';

export class TypeormAccessRepository implements AccessRepository {
  constructor(private readonly dataSource: DataSource) {}

  async acceptedAgreement(datasetId: string, userId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(AgreementAcceptanceEntity).countBy({ datasetId, userId })) > 0;
  }

  async acceptAgreement(datasetId: string, userId: string, agreementSha256: string): Promise<void> {
    await this.dataSource.getRepository(AgreementAcceptanceEntity).createQueryBuilder().insert().values({ datasetId, userId, agreementSha256 }).orIgnore().execute();
  }

  async approvedRequest(datasetId: string, userId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(AccessRequestEntity).countBy({ datasetId, userId, state: 'approved' })) > 0;
  }

  async createRequest(input: { datasetId: string; userId: string; purpose: string }): Promise<AccessRequest> {
    const saved = await this.dataSource.getRepository(AccessRequestEntity).save({ ...input, state: 'pending' });
    return (await this.findRequest(saved.id))!;
  }

  async findRequest(id: string): Promise<AccessRequest | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const [row] = await this.dataSource.query(`${SELECT} where r.id = $1`, [id]);
    return row ? toRequest(row) : undefined;
  }

  async listRequests(filter: { organizationIds?: string[]; userId?: string; state?: AccessRequest['state'] }): Promise<AccessRequest[]> {
    const params: unknown[] = [];
    const clauses: string[] = [];
    if (filter.organizationIds) clauses.push(`d.organization_id = any($${params.push(filter.organizationIds)}::uuid[])`);
    if (filter.userId) clauses.push(`r.user_id = $${params.push(filter.userId)}`);
    if (filter.state) clauses.push(`r.state = $${params.push(filter.state)}`);
    const rows = await this.dataSource.query(`${SELECT} ${clauses.length ? `where ${clauses.join(' and ')}` : ''} order by r.created_at desc limit 1000`, params);
    return rows.map(toRequest);
  }

  async decide(id: string, decision: { state: 'approved' | 'denied'; reason: string; decidedBy: string }): Promise<AccessRequest | undefined> {
    const result = await this.dataSource
      .getRepository(AccessRequestEntity)
      .update({ id, state: 'pending' }, { state: decision.state, decisionReason: decision.reason, decidedBy: decision.decidedBy, decidedAt: () => 'now()' });
    return (result.affected ?? 0) > 0 ? this.findRequest(id) : undefined;
  }
}

const SELECT = `select r.*, o.slug || '/' || d.slug as dataset, u.username from imagora.access_requests r
  join imagora.datasets d on d.id = r.dataset_id join imagora.organizations o on o.id = d.organization_id join imagora.users u on u.id = r.user_id`;

function toRequest(row: any): AccessRequest {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    dataset: row.dataset,
    userId: row.user_id,
    username: row.username,
    state: row.state,
    purpose: row.purpose,
    decisionReason: row.decision_reason,
    decidedBy: row.decided_by,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
  };
}
