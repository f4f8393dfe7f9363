// The GitHub stand-in's tools: names, descriptions, input schemas and
// read-only hints as GitHub's MCP server lists them (github/github-mcp-server,
// the repos, issues, pull_requests, users, orgs, actions, code_security,
// secret_protection, dependabot, notifications, discussions, gists and stars
// toolsets), each with a canned result built from a small fictional
// organisation, so an agent sees plausible data.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";

type Args = Record<string, unknown>;

export interface CatalogueTool {
  definition: Tool;
  result(args: Args): unknown;
}

const ORG = "acme";
const NOW = "2026-11-20T09:30:00Z";
const SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

const str = (description: string) => ({ type: "string", description });
const num = (description: string) => ({ type: "number", description });
const owner = str("Repository owner (user or organisation)");
const repo = str("Repository name");
const page = num("Page number for pagination (min 1)");
const perPage = num("Results per page for pagination (min 1, max 100)");
const issueNumber = num("Issue number");
const pullNumber = num("Pull request number");
const runId = num("The unique identifier of the workflow run");
const alertNumber = num("The number of the alert");

const text = (args: Args, key: string, fallback: string) => (typeof args[key] === "string" && args[key] !== "" ? args[key] : fallback);
const int = (args: Args, key: string, fallback: number) => (typeof args[key] === "number" ? args[key] : fallback);

const user = (login: string, id: number) => ({ login, id, html_url: `https://github.com/${login}`, type: "User" });
const repository = (name: string, description: string, stars: number, language: string) => ({
  id: 700_000 + stars,
  full_name: `${ORG}/${name}`,
  description,
  html_url: `https://github.com/${ORG}/${name}`,
  language,
  stargazers_count: stars,
  forks_count: Math.round(stars / 7),
  open_issues_count: Math.round(stars / 40),
  default_branch: "main",
  private: false,
  updated_at: NOW,
});
const REPOS = [
  repository("widgets", "Widget rendering service", 1240, "TypeScript"),
  repository("gadgets", "Gadget inventory API", 310, "Go"),
  repository("docs", "Public documentation site", 95, "MDX"),
];
const issue = (number: number, title: string, labels: string[], state = "open") => ({
  number,
  title,
  state,
  labels: labels.map((name) => ({ name })),
  user: user("mona", 583231),
  comments: number % 5,
  html_url: `https://github.com/${ORG}/widgets/issues/${number}`,
  created_at: "2026-11-12T14:02:11Z",
  updated_at: NOW,
});
const ISSUES = [
  issue(42, "Widgets flicker on resize", ["bug"]),
  issue(41, "Add dark mode to the widget picker", ["enhancement"]),
  issue(37, "Document the caching headers", ["docs"]),
];
const pull = (number: number, title: string, head: string) => ({
  number,
  title,
  state: "open",
  draft: false,
  user: user("octocat", 1),
  head: { ref: head, sha: SHA },
  base: { ref: "main" },
  mergeable: true,
  html_url: `https://github.com/${ORG}/widgets/pull/${number}`,
  created_at: "2026-11-18T10:11:12Z",
});
const PULLS = [pull(45, "Debounce the resize observer", "fix/resize-flicker"), pull(44, "Widget picker: dark mode", "feat/dark-mode")];

function tool(
  name: string,
  title: string,
  description: string,
  readOnly: boolean,
  properties: Record<string, object>,
  required: string[],
  result: (args: Args) => unknown,
): CatalogueTool {
  return {
    definition: {
      name,
      description,
      inputSchema: { type: "object", properties, ...(required.length ? { required } : {}) },
      annotations: { title, readOnlyHint: readOnly },
    },
    result,
  };
}

const read = (name: string, title: string, description: string, properties: Record<string, object>, required: string[], result: (args: Args) => unknown) =>
  tool(name, title, description, true, properties, required, result);
const write = (name: string, title: string, description: string, properties: Record<string, object>, required: string[], result: (args: Args) => unknown) =>
  tool(name, title, description, false, properties, required, result);

export const GITHUB_TOOLS: CatalogueTool[] = [
  // repos
  read(
    "search_repositories",
    "Search repositories",
    "Find GitHub repositories by name, description, readme, topics, or other metadata.",
    { query: str("Repository search query"), page, perPage },
    ["query"],
    () => ({
      total_count: REPOS.length,
      incomplete_results: false,
      items: REPOS,
    }),
  ),
  read(
    "get_file_contents",
    "Get file or directory contents",
    "Get the contents of a file or directory from a GitHub repository.",
    { owner, repo, path: str("Path to file/directory"), ref: str("Git ref (branch, tag or commit)") },
    ["owner", "repo"],
    (a) => ({
      type: "file",
      path: text(a, "path", "README.md"),
      sha: "3d21ec53a331a6f037a91c368710b99387d012c1",
      encoding: "utf-8",
      content: `# ${text(a, "repo", "widgets")}\n\nWidgets for every dashboard. See docs/ for the API.\n`,
    }),
  ),
  read("list_branches", "List branches", "List branches in a GitHub repository.", { owner, repo, page, perPage }, ["owner", "repo"], () =>
    ["main", "fix/resize-flicker", "feat/dark-mode"].map((name) => ({ name, commit: { sha: SHA }, protected: name === "main" })),
  ),
  read(
    "list_commits",
    "List commits",
    "Get list of commits of a branch in a GitHub repository.",
    { owner, repo, sha: str("Commit SHA, branch or tag name"), author: str("Author username or email"), page, perPage },
    ["owner", "repo"],
    () => [
      { sha: SHA, commit: { message: "Debounce the resize observer", author: { name: "The Octocat", date: NOW } } },
      { sha: "b3cbd5bbd7e81436d2eee04537ea2b4c0cad4cdf", commit: { message: "Bump vite to 7.2", author: { name: "dependabot[bot]", date: "2026-11-19T08:00:00Z" } } },
    ],
  ),
  read(
    "get_commit",
    "Get commit details",
    "Get details for a commit from a GitHub repository.",
    { owner, repo, sha: str("Commit SHA, branch name, or tag name"), page, perPage },
    ["owner", "repo", "sha"],
    (a) => ({
      sha: text(a, "sha", SHA),
      commit: { message: "Debounce the resize observer", author: { name: "The Octocat", date: NOW } },
      stats: { additions: 18, deletions: 4, total: 22 },
      files: [{ filename: "src/resize.ts", status: "modified", additions: 18, deletions: 4 }],
    }),
  ),
  read("list_tags", "List tags", "List git tags in a GitHub repository.", { owner, repo, page, perPage }, ["owner", "repo"], () => [
    { name: "v2.4.0", commit: { sha: SHA } },
    { name: "v2.3.1", commit: { sha: "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc" } },
  ]),
  read("get_tag", "Get tag details", "Get details about a specific git tag in a GitHub repository.", { owner, repo, tag: str("Tag name") }, ["owner", "repo", "tag"], (a) => ({
    tag: text(a, "tag", "v2.4.0"),
    sha: SHA,
    message: "Release 2.4.0",
    tagger: { name: "The Octocat", date: NOW },
  })),
  read("list_releases", "List releases", "List releases in a GitHub repository.", { owner, repo, page, perPage }, ["owner", "repo"], () => [
    { tag_name: "v2.4.0", name: "2.4.0", draft: false, prerelease: false, published_at: NOW },
  ]),
  read("get_latest_release", "Get latest release", "Get the latest release in a GitHub repository.", { owner, repo }, ["owner", "repo"], () => ({
    tag_name: "v2.4.0",
    name: "2.4.0",
    published_at: NOW,
    body: "Faster rendering, dark mode preview.",
  })),
  read(
    "search_code",
    "Search code",
    "Fast and precise code search across ALL GitHub repositories using GitHub's native search engine.",
    { query: str("Search query using GitHub's code search syntax"), sort: str("Sort field ('indexed' only)"), order: str("Sort order"), page, perPage },
    ["query"],
    (a) => ({
      total_count: 2,
      items: [
        {
          name: "resize.ts",
          path: "src/resize.ts",
          repository: { full_name: `${ORG}/widgets` },
          text_matches: [{ fragment: `export function ${text(a, "query", "debounce")}(…)` }],
        },
        { name: "picker.tsx", path: "src/picker.tsx", repository: { full_name: `${ORG}/widgets` }, text_matches: [] },
      ],
    }),
  ),
  write(
    "create_or_update_file",
    "Create or update file",
    "Create or update a single file in a GitHub repository.",
    {
      owner,
      repo,
      path: str("Path where to create/update the file"),
      content: str("Content of the file"),
      message: str("Commit message"),
      branch: str("Branch to create/update the file in"),
      sha: str("Blob SHA of the file being replaced"),
    },
    ["owner", "repo", "path", "content", "message", "branch"],
    (a) => ({ content: { path: text(a, "path", "README.md"), sha: "95b966ae1c166bd92f8ae7d1c313e738c731dfc3" }, commit: { sha: SHA, message: text(a, "message", "Update file") } }),
  ),
  write(
    "delete_file",
    "Delete file",
    "Delete a file from a GitHub repository.",
    { owner, repo, path: str("Path to the file to delete"), message: str("Commit message"), branch: str("Branch to delete the file from") },
    ["owner", "repo", "path", "message", "branch"],
    () => ({ commit: { sha: SHA, message: "Delete file" } }),
  ),
  write(
    "push_files",
    "Push files to repository",
    "Push multiple files to a GitHub repository in a single commit.",
    {
      owner,
      repo,
      branch: str("Branch to push to"),
      files: {
        type: "array",
        description: "Array of file objects to push, each with path and content",
        items: { type: "object", properties: { path: str("path to the file"), content: str("file content") }, required: ["path", "content"] },
      },
      message: str("Commit message"),
    },
    ["owner", "repo", "branch", "files", "message"],
    (a) => ({
      ref: `refs/heads/${text(a, "branch", "main")}`,
      object: { sha: "1f0e9fbc6b7fdcb9f4a5b7e0c5a3d0a8a9f3b2c1", type: "commit" },
      files: Array.isArray(a.files) ? a.files.length : 0,
    }),
  ),
  write(
    "create_repository",
    "Create repository",
    "Create a new GitHub repository in your account or specified organization.",
    {
      name: str("Repository name"),
      description: str("Repository description"),
      organization: str("Organization to create the repository in"),
      private: { type: "boolean", description: "Whether repo should be private" },
      autoInit: { type: "boolean", description: "Initialize with README" },
    },
    ["name"],
    (a) => ({
      full_name: `${text(a, "organization", ORG)}/${text(a, "name", "new-repo")}`,
      html_url: `https://github.com/${text(a, "organization", ORG)}/${text(a, "name", "new-repo")}`,
      private: a.private === true,
      default_branch: "main",
    }),
  ),
  write(
    "fork_repository",
    "Fork repository",
    "Fork a GitHub repository to your account or specified organization.",
    { owner, repo, organization: str("Organization to fork to") },
    ["owner", "repo"],
    (a) => ({ full_name: `octocat/${text(a, "repo", "widgets")}`, fork: true }),
  ),
  write(
    "create_branch",
    "Create branch",
    "Create a new branch in a GitHub repository.",
    { owner, repo, branch: str("Name for new branch"), from_branch: str("Source branch (defaults to repo default)") },
    ["owner", "repo", "branch"],
    (a) => ({ ref: `refs/heads/${text(a, "branch", "new-branch")}`, object: { sha: SHA } }),
  ),
  // issues
  read(
    "list_issues",
    "List issues",
    "List issues in a GitHub repository. For pagination, use the 'endCursor' from the previous response's 'pageInfo' in the 'after' parameter.",
    {
      owner,
      repo,
      state: str("Filter by state (OPEN, CLOSED)"),
      labels: { type: "array", items: { type: "string" }, description: "Filter by labels" },
      after: str("Cursor for pagination"),
      perPage,
    },
    ["owner", "repo"],
    () => ({ issues: ISSUES, pageInfo: { hasNextPage: false, endCursor: null }, totalCount: ISSUES.length }),
  ),
  read(
    "get_issue",
    "Get issue details",
    "Get details of a specific issue in a GitHub repository.",
    { owner, repo, issue_number: issueNumber },
    ["owner", "repo", "issue_number"],
    (a) => ({ ...ISSUES[0], number: int(a, "issue_number", 42), body: "Resizing the window makes widgets flicker in Firefox 132." }),
  ),
  read(
    "get_issue_comments",
    "Get issue comments",
    "Get comments for a specific issue in a GitHub repository.",
    { owner, repo, issue_number: issueNumber, page, perPage },
    ["owner", "repo", "issue_number"],
    () => [{ id: 1, user: user("mona", 583231), body: "Reproduced on macOS too.", created_at: NOW }],
  ),
  read(
    "search_issues",
    "Search issues",
    "Search for issues in GitHub repositories using issues search syntax already scoped to is:issue.",
    {
      query: str("Search query using GitHub issues search syntax"),
      owner,
      repo,
      sort: str("Sort field by number of matches of categories"),
      order: str("Sort order"),
      page,
      perPage,
    },
    ["query"],
    () => ({ total_count: ISSUES.length, items: ISSUES }),
  ),
  read("list_issue_types", "List available issue types", "List supported issue types for repository owner (organization).", { owner }, ["owner"], () => [
    { name: "Bug" },
    { name: "Feature" },
    { name: "Task" },
  ]),
  write(
    "create_issue",
    "Open new issue",
    "Create a new issue in a GitHub repository.",
    {
      owner,
      repo,
      title: str("Issue title"),
      body: str("Issue body content"),
      labels: { type: "array", items: { type: "string" }, description: "Labels to apply to this issue" },
      assignees: { type: "array", items: { type: "string" }, description: "Usernames to assign to this issue" },
    },
    ["owner", "repo", "title"],
    (a) => ({ ...issue(46, text(a, "title", "New issue"), []), url: `https://github.com/${ORG}/${text(a, "repo", "widgets")}/issues/46` }),
  ),
  write(
    "update_issue",
    "Edit issue",
    "Update an existing issue in a GitHub repository.",
    { owner, repo, issue_number: issueNumber, title: str("New title"), body: str("New description"), state: str("New state (open, closed)") },
    ["owner", "repo", "issue_number"],
    (a) => ({ ...ISSUES[0], number: int(a, "issue_number", 42), state: text(a, "state", "open") }),
  ),
  write(
    "add_issue_comment",
    "Add comment to issue",
    "Add a comment to a specific issue in a GitHub repository.",
    { owner, repo, issue_number: issueNumber, body: str("Comment content") },
    ["owner", "repo", "issue_number", "body"],
    (a) => ({ id: 2_001, body: text(a, "body", ""), html_url: `https://github.com/${ORG}/widgets/issues/${int(a, "issue_number", 42)}#issuecomment-2001` }),
  ),
  write(
    "assign_copilot_to_issue",
    "Assign Copilot to issue",
    "Assign Copilot to a specific issue in a GitHub repository.",
    { owner, repo, issueNumber },
    ["owner", "repo", "issueNumber"],
    () => ({ assigned: true }),
  ),
  // pull requests
  read(
    "list_pull_requests",
    "List pull requests",
    "List pull requests in a GitHub repository.",
    {
      owner,
      repo,
      state: str("Filter by state (open, closed, all)"),
      head: str("Filter by head user/org and branch"),
      base: str("Filter by base branch"),
      sort: str("Sort by"),
      direction: str("Sort direction"),
      page,
      perPage,
    },
    ["owner", "repo"],
    () => PULLS,
  ),
  read(
    "get_pull_request",
    "Get pull request details",
    "Get details of a specific pull request in a GitHub repository.",
    { owner, repo, pullNumber },
    ["owner", "repo", "pullNumber"],
    (a) => ({ ...PULLS[0], number: int(a, "pullNumber", 45), body: "Fixes #42." }),
  ),
  read(
    "get_pull_request_files",
    "Get pull request files",
    "Get the files changed in a specific pull request.",
    { owner, repo, pullNumber, page, perPage },
    ["owner", "repo", "pullNumber"],
    () => [{ filename: "src/resize.ts", status: "modified", additions: 18, deletions: 4 }],
  ),
  read(
    "get_pull_request_diff",
    "Get pull request diff",
    "Get the diff of a pull request.",
    { owner, repo, pullNumber },
    ["owner", "repo", "pullNumber"],
    () => "diff --git a/src/resize.ts b/src/resize.ts\n@@ -10,4 +10,18 @@\n-observer.observe(el)\n+observer.observe(el, { box: 'border-box' })\n",
  ),
  read(
    "get_pull_request_status",
    "Get pull request status checks",
    "Get the status of a specific pull request.",
    { owner, repo, pullNumber },
    ["owner", "repo", "pullNumber"],
    () => ({ state: "success", statuses: [{ context: "ci/test", state: "success" }] }),
  ),
  read("get_pull_request_comments", "Get pull request comments", "Get comments for a specific pull request.", { owner, repo, pullNumber }, ["owner", "repo", "pullNumber"], () => [
    { id: 3, user: user("mona", 583231), body: "Nice catch.", path: "src/resize.ts", line: 14 },
  ]),
  read("get_pull_request_reviews", "Get pull request reviews", "Get reviews for a specific pull request.", { owner, repo, pullNumber }, ["owner", "repo", "pullNumber"], () => [
    { id: 80, user: user("mona", 583231), state: "APPROVED", submitted_at: NOW },
  ]),
  read(
    "search_pull_requests",
    "Search pull requests",
    "Search for pull requests in GitHub repositories using issues search syntax already scoped to is:pr.",
    { query: str("Search query using GitHub pull request search syntax"), owner, repo, page, perPage },
    ["query"],
    () => ({ total_count: PULLS.length, items: PULLS }),
  ),
  write(
    "create_pull_request",
    "Open new pull request",
    "Create a new pull request in a GitHub repository.",
    {
      owner,
      repo,
      title: str("PR title"),
      body: str("PR description"),
      head: str("Branch containing changes"),
      base: str("Branch to merge into"),
      draft: { type: "boolean", description: "Create as draft PR" },
    },
    ["owner", "repo", "title", "head", "base"],
    (a) => ({ ...pull(46, text(a, "title", "New pull request"), text(a, "head", "feature")), draft: a.draft === true }),
  ),
  write(
    "merge_pull_request",
    "Merge pull request",
    "Merge a pull request in a GitHub repository.",
    { owner, repo, pullNumber, commit_title: str("Title for merge commit"), merge_method: str("Merge method (merge, squash, rebase)") },
    ["owner", "repo", "pullNumber"],
    () => ({ merged: true, sha: SHA, message: "Pull Request successfully merged" }),
  ),
  write(
    "update_pull_request",
    "Edit pull request",
    "Update an existing pull request in a GitHub repository.",
    { owner, repo, pullNumber, title: str("New title"), body: str("New description"), state: str("New state (open, closed)") },
    ["owner", "repo", "pullNumber"],
    (a) => ({ ...PULLS[0], number: int(a, "pullNumber", 45), title: text(a, "title", PULLS[0]!.title) }),
  ),
  write(
    "update_pull_request_branch",
    "Update pull request branch",
    "Update the branch of a pull request with the latest changes from the base branch.",
    { owner, repo, pullNumber, expectedHeadSha: str("The expected SHA of the pull request's HEAD ref") },
    ["owner", "repo", "pullNumber"],
    () => ({ message: "Updating pull request branch.", url: `https://github.com/${ORG}/widgets/pull/45` }),
  ),
  write(
    "request_copilot_review",
    "Request Copilot review",
    "Request a GitHub Copilot code review for a pull request.",
    { owner, repo, pullNumber },
    ["owner", "repo", "pullNumber"],
    () => ({ requested: true }),
  ),
  // users and organisations
  read("get_me", "Get my user profile", "Get details of the authenticated GitHub user.", {}, [], () => ({
    ...user("octocat", 1),
    name: "The Octocat",
    company: "@acme",
    public_repos: 8,
  })),
  read(
    "search_users",
    "Search users",
    "Find GitHub users by username, real name, or other profile information.",
    { query: str("User search query"), sort: str("Sort field by category"), order: str("Sort order"), page, perPage },
    ["query"],
    () => ({ total_count: 2, items: [user("octocat", 1), user("mona", 583231)] }),
  ),
  read(
    "search_orgs",
    "Search organizations",
    "Find GitHub organizations by name, location, or other organization metadata.",
    { query: str("Organization search query"), page, perPage },
    ["query"],
    () => ({ total_count: 1, items: [{ login: ORG, id: 9_919, html_url: `https://github.com/${ORG}` }] }),
  ),
  read("get_teams", "Get teams", "Get details of the teams the user is a member of.", { user: str("Username to get teams for") }, [], () => [
    {
      org: ORG,
      teams: [
        { name: "platform", slug: "platform" },
        { name: "widgets", slug: "widgets" },
      ],
    },
  ]),
  read(
    "get_team_members",
    "Get team members",
    "Get member usernames of a specific team in an organization.",
    { org: str("Organization login"), team_slug: str("Team slug") },
    ["org", "team_slug"],
    () => ["octocat", "mona"],
  ),
  // actions
  read("list_workflows", "List workflows", "List workflows in a repository.", { owner, repo, page, perPage }, ["owner", "repo"], () => ({
    total_count: 2,
    workflows: [
      { id: 161335, name: "CI", path: ".github/workflows/ci.yml", state: "active" },
      { id: 161336, name: "Release", path: ".github/workflows/release.yml", state: "active" },
    ],
  })),
  read(
    "list_workflow_runs",
    "List workflow runs",
    "List workflow runs for a specific workflow.",
    { owner, repo, workflow_id: str("The workflow ID or workflow file name"), page, perPage },
    ["owner", "repo", "workflow_id"],
    () => ({ total_count: 1, workflow_runs: [{ id: 30433642, name: "CI", status: "completed", conclusion: "success", head_branch: "main", head_sha: SHA }] }),
  ),
  read("get_workflow_run", "Get workflow run", "Get details of a specific workflow run.", { owner, repo, run_id: runId }, ["owner", "repo", "run_id"], (a) => ({
    id: int(a, "run_id", 30433642),
    name: "CI",
    status: "completed",
    conclusion: "success",
    run_attempt: 1,
  })),
  read(
    "get_job_logs",
    "Get job logs",
    "Download logs for a specific workflow job or efficiently get all failed job logs for a workflow run.",
    { owner, repo, job_id: num("The unique identifier of the workflow job"), run_id: runId, failed_only: { type: "boolean", description: "Only failed jobs" } },
    ["owner", "repo"],
    () => ({ logs: "2026-11-20T09:31:02Z ✓ 214 tests passed\n" }),
  ),
  write(
    "run_workflow",
    "Run workflow",
    "Run an Actions workflow by workflow ID or filename.",
    { owner, repo, workflow_id: str("The workflow ID or workflow file name"), ref: str("The git reference for the workflow") },
    ["owner", "repo", "workflow_id", "ref"],
    () => ({ message: "Workflow run has been queued" }),
  ),
  write("rerun_workflow_run", "Rerun workflow run", "Re-run an entire workflow run.", { owner, repo, run_id: runId }, ["owner", "repo", "run_id"], () => ({
    message: "Workflow run has been queued for re-run",
  })),
  write("cancel_workflow_run", "Cancel workflow run", "Cancel a workflow run.", { owner, repo, run_id: runId }, ["owner", "repo", "run_id"], () => ({
    message: "Workflow run has been cancelled",
  })),
  // code security, secret protection, dependabot
  read(
    "list_code_scanning_alerts",
    "List code scanning alerts",
    "List code scanning alerts in a GitHub repository.",
    { owner, repo, state: str("Filter code scanning alerts by state"), severity: str("Filter code scanning alerts by severity") },
    ["owner", "repo"],
    () => [
      {
        number: 7,
        state: "open",
        rule: { id: "js/xss", severity: "error", description: "Cross-site scripting" },
        most_recent_instance: { location: { path: "src/picker.tsx", start_line: 88 } },
      },
    ],
  ),
  read(
    "get_code_scanning_alert",
    "Get code scanning alert",
    "Get details of a specific code scanning alert in a GitHub repository.",
    { owner, repo, alertNumber },
    ["owner", "repo", "alertNumber"],
    (a) => ({ number: int(a, "alertNumber", 7), state: "open", rule: { id: "js/xss", severity: "error" } }),
  ),
  read(
    "list_secret_scanning_alerts",
    "List secret scanning alerts",
    "List secret scanning alerts in a GitHub repository.",
    { owner, repo, state: str("Filter by state") },
    ["owner", "repo"],
    () => [{ number: 2, state: "resolved", secret_type_display_name: "GitHub Personal Access Token", resolution: "revoked" }],
  ),
  read(
    "list_dependabot_alerts",
    "List dependabot alerts",
    "List dependabot alerts in a GitHub repository.",
    { owner, repo, state: str("Filter dependabot alerts by state"), severity: str("Filter dependabot alerts by severity") },
    ["owner", "repo"],
    () => [
      { number: 12, state: "open", dependency: { package: { ecosystem: "npm", name: "vite" } }, security_advisory: { severity: "medium", summary: "Dev server file disclosure" } },
    ],
  ),
  // notifications
  read("list_notifications", "List notifications", "Lists all GitHub notifications for the authenticated user.", { filter: str("Filter notifications"), page, perPage }, [], () => [
    { id: "1", reason: "review_requested", unread: true, subject: { title: "Debounce the resize observer", type: "PullRequest" }, repository: { full_name: `${ORG}/widgets` } },
  ]),
  write(
    "dismiss_notification",
    "Dismiss notification",
    "Dismiss a notification by marking it as read or done.",
    { threadID: str("The ID of the notification thread"), state: str("The new state of the notification (read/done)") },
    ["threadID"],
    () => ({ dismissed: true }),
  ),
  // discussions
  read(
    "list_discussions",
    "List discussions",
    "List discussions for a repository or organisation.",
    { owner, repo, category: str("Optional filter by discussion category ID") },
    ["owner"],
    () => [{ number: 9, title: "Roadmap for widgets 3.0", category: { name: "Ideas" }, comments: 14 }],
  ),
  read(
    "get_discussion",
    "Get discussion",
    "Get a specific discussion by ID.",
    { owner, repo, discussionNumber: num("Discussion Number") },
    ["owner", "repo", "discussionNumber"],
    (a) => ({ number: int(a, "discussionNumber", 9), title: "Roadmap for widgets 3.0", body: "What should 3.0 drop?", category: { name: "Ideas" } }),
  ),
  // gists and stars
  read("list_gists", "List gists", "List gists for a user.", { username: str("GitHub username (omit for authenticated user's gists)"), page, perPage }, [], () => [
    { id: "aa5a315d61ae9438b18d", description: "widget config example", public: true, files: { "widgets.json": {} } },
  ]),
  write(
    "create_gist",
    "Create gist",
    "Create a new gist.",
    {
      description: str("Description of the gist"),
      filename: str("Filename for simple single-file gist creation"),
      content: str("Content for simple single-file gist creation"),
      public: { type: "boolean", description: "Whether the gist is public" },
    },
    ["filename", "content"],
    (a) => ({ id: "2decf6c462d9b4418f2", html_url: "https://gist.github.com/octocat/2decf6c462d9b4418f2", files: { [text(a, "filename", "gist.txt")]: {} } }),
  ),
  read(
    "list_starred_repositories",
    "List starred repositories",
    "List starred repositories.",
    { username: str("Username to list starred repositories for"), page, perPage },
    [],
    () => REPOS.slice(0, 2),
  ),
  write("star_repository", "Star repository", "Star a GitHub repository.", { owner, repo }, ["owner", "repo"], (a) => ({
    starred: `${text(a, "owner", ORG)}/${text(a, "repo", "widgets")}`,
  })),
];
