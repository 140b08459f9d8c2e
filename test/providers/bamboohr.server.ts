import { ProviderRequest, ProviderServer, Reply } from './provider-server';

export interface DirectoryEmployee {
  /** A number in the directory's documented sample (`"id":123`). */
  id: number;
  displayName: string;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  jobTitle: string | null;
  workPhone: string | null;
  mobilePhone: string | null;
  workEmail: string | null;
  department: string | null;
  location: string | null;
  division: string | null;
  supervisor: string | null;
  photoUploaded: boolean;
  photoUrl: string;
  canUploadPhoto: number;
}

/** The `fields` list the directory returns beside `employees` (Get Employee Directory's sample). */
const DIRECTORY_FIELDS = [
  ['displayName', 'text', 'Display name'],
  ['firstName', 'text', 'First name'],
  ['lastName', 'text', 'Last name'],
  ['preferredName', 'text', 'Preferred name'],
  ['jobTitle', 'list', 'Job title'],
  ['workPhone', 'text', 'Work Phone'],
  ['mobilePhone', 'text', 'Mobile Phone'],
  ['workEmail', 'email', 'Work Email'],
  ['department', 'list', 'Department'],
  ['location', 'list', 'Location'],
  ['division', 'list', 'Division'],
  ['supervisor', 'employee', 'Supervisor'],
].map(([id, type, name]) => ({ id, type, name }));

/**
 * A stand-in for BambooHR's API (https://documentation.bamboohr.com/docs/getting-started,
 * https://documentation.bamboohr.com/reference/get-employees-directory-1): every call under
 * `/api/gateway.php/{companyDomain}/v1/`, authenticated with HTTP Basic where the API key is the
 * username and the password any string. The directory answers XML unless the request sends
 * `Accept: application/json`, then `{fields: [...], employees: [...]}`.
 * Errors follow BambooHR's error-code page (bamboohr.screenstepslive.com, "API Error Code
 * Definitions"): an empty body and the reason in `X-BambooHR-Error-Messsage` (sic, three s),
 * 401 for a missing or unknown key, 404 for an unknown company domain.
 */
export class BambooHrServer extends ProviderServer {
  readonly employees: DirectoryEmployee[] = [];
  private sequence = 100;

  constructor(
    readonly company = 'acmecorp',
    readonly apiKey = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  ) {
    super();
    this.on('GET', '/api/gateway.php/:company/v1/employees/directory', (req, [company]) => this.authed(req, company, () => this.directory(req)));
  }

  add(fields: Partial<DirectoryEmployee> & { firstName: string; lastName: string }): DirectoryEmployee {
    const id = ++this.sequence;
    const employee: DirectoryEmployee = {
      id,
      displayName: `${fields.firstName} ${fields.lastName}`,
      preferredName: null,
      jobTitle: null,
      workPhone: null,
      mobilePhone: null,
      workEmail: null,
      department: null,
      location: null,
      division: null,
      supervisor: null,
      photoUploaded: false,
      photoUrl: `https://resources.bamboohr.com/images/photo_person_160x160.png`,
      canUploadPhoto: 1,
      ...fields,
    };
    this.employees.push(employee);
    return employee;
  }

  private authed(req: ProviderRequest, company: string, then: () => Reply): Reply {
    const refused = (status: number, message: string): Reply => ({ status, headers: { 'X-BambooHR-Error-Messsage': message }, body: '' });
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    const [user] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
    if (user !== this.apiKey) return refused(401, 'Invalid API key');
    if (company !== this.company) return refused(404, `Company "${company}" not found`);
    return then();
  }

  private directory(req: ProviderRequest): Reply {
    if (!String(req.headers.accept ?? '').includes('application/json')) {
      const rows = this.employees.map((e) => `<employee id="${e.id}"><field id="displayName">${e.displayName}</field></employee>`).join('');
      return { headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?><directory><employees>${rows}</employees></directory>` };
    }
    return { body: { fields: DIRECTORY_FIELDS, employees: this.employees } };
  }
}
