package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/session"
)

// The login, logout and profile subcommands. Profiles live in
// profile.ConfigDir() ($COSDROP_CONFIG_DIR overrides it, for tests and
// portable installs); secrets go to the OS keyring only.

func init() {
	register("login", "Store a profile's SecretKey (or login token) in the OS keyring", runLogin)
	register("logout", "Remove a profile's secrets from the OS keyring", runLogout)
	register("profile", "Manage profiles: add, list, remove, export, import, test", runProfile)
}

// keyringTimeout bounds each keyring call from the command line.
const keyringTimeout = 15 * time.Second

// secretStore is the store the CLI uses; tests replace it.
var secretStore auth.SecretStore = auth.NewKeyring()

// stdin is where login reads the secret from; tests replace it.
var stdin io.Reader = os.Stdin

func fail(format string, args ...any) int {
	fmt.Fprintln(os.Stderr, safe(fmt.Sprintf(format, args...))) // may quote a server or a profile file
	return 1
}

// explain prints err with the CLI's translated lead-in; auth's coded
// errors (profile and profile-file problems) are translated as well.
func explain(lead string, err error) int {
	return fail("%s: %s", lead, session.ErrText(err))
}

// trAuth translates auth's message templates (auth.Translator); their
// keys live in assets/translations/auth.<lang>.json.
func trAuth(template string, params map[string]any) string {
	return session.AuthTr(template, params)
}

func runLogin(args []string) int {
	fs := newFlagSet("login", "--profile P [--secret-id ID | --proxy-password]  (the SecretKey, login token or proxy password is read from stdin)")
	name := fs.String("profile", "", tr("profile name"))
	secretID := fs.String("secret-id", "", tr("SecretId to save in the profile (permanent-key profiles)"))
	proxyPW := fs.Bool("proxy-password", false, tr("store the password of the user named in the profile's proxy instead"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *name == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	profiles := profile.NewProfiles("")
	p, err := profiles.Get(*name)
	if err != nil {
		if errors.Is(err, profile.ErrNoProfile) {
			return fail(tr("There is no profile %q. Create it first with 'cosdrop profile add'."), *name)
		}
		return explain(tr("Cannot read profiles"), err)
	}
	if _, known := profile.ModeOf(p.Mode); !known {
		return explain(tr("The profile is not valid"), p.Validate()) // a hand-edited profiles.json
	}
	var account, what string
	switch {
	case *proxyPW:
		if *secretID != "" {
			return fail("%s", tr("--secret-id and --proxy-password do not go together."))
		}
		if u, err := url.Parse(p.Proxy); p.Proxy == "" || err != nil || u.User == nil || u.User.Username() == "" {
			return fail(tr("The proxy of profile %q names no user, so it needs no password."), p.Name)
		}
		account, what = auth.ProxyAccount(p.Name), tr("proxy password")
	case !p.Spec().Uses(profile.FieldSecretID):
		if *secretID != "" {
			return fail(tr("--secret-id is only for permanent-key profiles; %q uses %s."), p.Name, p.Mode)
		}
		fallthrough
	default:
		account, what = p.Spec().Secret.Account(p.Name), tr(p.Spec().Secret.Word)
	}
	if *secretID != "" && *secretID != p.SecretID {
		p.SecretID = *secretID
		if err := profiles.Put(p); err != nil {
			return explain(tr("Cannot save the profile"), err)
		}
	}
	secret, err := readSecret(fmt.Sprintf(tr("%s for profile %q (input hidden): "), what, p.Name))
	if err != nil {
		return explain(tr("Cannot read the secret"), err)
	}
	if secret == "" {
		return fail("%s", tr("Nothing was entered; nothing was stored."))
	}
	if strings.ContainsAny(secret, " \t") {
		return fail("%s", tr("The secret contains spaces; check that you pasted only the key."))
	}
	ctx, cancel := context.WithTimeout(context.Background(), keyringTimeout)
	defer cancel()
	if err := secretStore.Set(ctx, account, secret); err != nil {
		return explain(tr("Could not store the secret"), err)
	}
	fmt.Printf(tr("Stored the %s for profile %q in the OS keyring.")+"\n", what, p.Name)
	return 0
}

// readSecret reads one secret from stdin: from a terminal without echo,
// otherwise the first line of the input (so `pass show x | cosdrop login`
// works).
func readSecret(prompt string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(os.Stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(os.Stderr)
		return strings.TrimSpace(string(b)), err
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 64<<10)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

func runLogout(args []string) int {
	fs := newFlagSet("logout", "--profile P")
	name := fs.String("profile", "", tr("profile name"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *name == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	removed, err := deleteSecrets(*name)
	if err != nil {
		return explain(tr("Could not remove the secrets"), err)
	}
	if removed == 0 {
		fmt.Printf(tr("No secret was stored for profile %q.")+"\n", *name)
		return 0
	}
	fmt.Printf(tr("Removed the secrets of profile %q from the OS keyring.")+"\n", *name)
	return 0
}

// deleteSecrets removes a profile's SecretKey and login token.
func deleteSecrets(name string) (removed int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), keyringTimeout)
	defer cancel()
	return auth.DeleteSecrets(ctx, secretStore, name)
}

var profileSynopsis = `add|list|remove|export|import|test ...
  add NAME --bucket B --region R --mode ` + strings.Join(profile.ModeNames(), "|") + ` [--secret-id ID] [--credential-url URL] [--endpoint URL] [--prefix T] [--on-conflict P]
      [--proxy URL] [--put-sign-url URL] [--post-policy-url URL] [--sign-method put|post]
  list
  remove NAME
  export NAME FILE   (FILE "-" = standard output; never contains a secret)
  import FILE [--name NEW] [--replace]
  test NAME          (checks the permissions an upload needs)
Profiles are kept in the OS config directory (cosdrop/profiles.json); set COSDROP_CONFIG_DIR to use another directory.`

func runProfile(args []string) int {
	if len(args) == 0 {
		fs := newFlagSet("profile", profileSynopsis)
		fs.Usage()
		return 2
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		return profileAdd(rest)
	case "list", "ls":
		return profileList(rest)
	case "remove", "rm":
		return profileRemove(rest)
	case "export":
		return profileExport(rest)
	case "import":
		return profileImport(rest)
	case "test":
		return profileTest(rest)
	}
	fs := newFlagSet("profile", profileSynopsis)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintf(os.Stderr, tr("Unknown profile command %q.")+"\n", sub)
	fs.Usage()
	return 2
}

// leadingArgs takes the positional arguments before the flags, so both
// "add NAME --bucket B" and "add --bucket B NAME" work.
func leadingArgs(args []string) (pos, flags []string) {
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			return args[:i], args[i:]
		}
	}
	return args, nil
}

// positional parses args (positional arguments before or after the flags)
// and expects exactly n positional ones; ok is false when the caller should
// return code (0 for -h, 2 for a bad flag or count, with usage printed).
func positional(fs *flag.FlagSet, args []string, n int) (pos []string, code int, ok bool) {
	pos, rest := leadingArgs(args)
	if code, ok := parseFlags(fs, rest); !ok {
		return nil, code, false
	}
	pos = append(pos, fs.Args()...)
	if len(pos) != n {
		fs.Usage()
		return nil, 2, false
	}
	return pos, 0, true
}

func profileAdd(args []string) int {
	fs := newFlagSet("profile add", "NAME --bucket B --region R --mode "+strings.Join(profile.ModeNames(), "|")+" [flags]")
	var p profile.Profile
	var mode string
	fs.StringVar(&p.Bucket, "bucket", "", tr("bucket with APPID, e.g. examplebucket-1250000000"))
	fs.StringVar(&p.Region, "region", "", tr("region, e.g. ap-guangzhou"))
	fs.StringVar(&p.Endpoint, "endpoint", "", tr("custom endpoint URL (custom domain, accelerate domain or a local server)"))
	fs.StringVar(&p.Prefix, "prefix", "", tr("key prefix template: {date} {yyyy} {mm} {dd} {filename} {relpath}"))
	fs.StringVar(&p.OnConflict, "on-conflict", "", trChoices("when the object exists: {{.Choices}}", profile.PolicyNames(true)))
	fs.StringVar(&mode, "mode", "", trChoices("credential mode: {{.Choices}}", profile.ModeNames()))
	fs.StringVar(&p.SecretID, "secret-id", "", tr("SecretId (permanent mode; the SecretKey goes to the keyring with 'cosdrop login')"))
	fs.StringVar(&p.CredentialURL, "credential-url", "", tr("credential server URL (sts and server-signed modes)"))
	fs.StringVar(&p.PutSignURL, "put-sign-url", "", tr("signing server's put-sign URL (server-signed; default: credential URL + /put-sign)"))
	fs.StringVar(&p.PostPolicyURL, "post-policy-url", "", tr("signing server's post-policy URL (server-signed; default: credential URL + /post-policy)"))
	signMethod := fs.String("sign-method", "", tr("server-signed uploads: put or post; empty lets the server decide"))
	fs.StringVar(&p.Proxy, "proxy", "", tr("proxy: http://[user@]host:port, https://..., socks5://...; 'direct' for none; empty follows HTTPS_PROXY (the password goes to the keyring with 'cosdrop login --proxy-password')"))
	fs.StringVar(&p.LinkTemplate, "link-template", "", tr("link template for Copy link and --links: {key} {filename} {url} {bucket} {region}"))
	fs.StringVar(&p.BandwidthSchedule, "bandwidth-schedule", "", tr("upload limit timetable handed out with the profile, e.g. \"mon-fri 08:00-19:00 2MiB/s; otherwise unlimited\""))
	fs.BoolVar(&p.PublicRead, "public-read", false, tr("the bucket's files are public, so plain links open in a browser (COS buckets are private by default)"))
	replace := fs.Bool("replace", false, tr("replace an existing profile with the same name"))
	var extras profileExtras // profile_flags.go: rules and watch folders
	extras.register(fs)
	pos, code, ok := positional(fs, args, 1)
	if !ok {
		return code
	}
	p.Name, p.Mode, p.SignMethod = pos[0], profile.Mode(mode), auth.SignMethod(*signMethod)
	if err := extras.apply(&p); err != nil {
		return explain(tr("The profile is not valid"), err)
	}
	if err := p.Validate(); err != nil {
		return explain(tr("The profile is not valid"), err)
	}
	profiles := profile.NewProfiles("")
	if !*replace {
		if _, err := profiles.Get(p.Name); err == nil {
			return fail(tr("A profile named %q already exists; use --replace to overwrite it."), p.Name)
		}
	}
	if err := profiles.Put(p); err != nil {
		return explain(tr("Cannot save the profile"), err)
	}
	fmt.Printf(tr("Saved profile %q.")+"\n", p.Name)
	fmt.Printf(tr(p.Spec().Secret.Next)+"\n", shellQuote(p.Name))
	return 0
}

func profileList(args []string) int {
	fs := newFlagSet("profile list", "")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	list, err := profile.NewProfiles("").List()
	if err != nil {
		return explain(tr("Cannot read profiles"), err)
	}
	if len(list) == 0 {
		fmt.Println(tr("No profiles yet. Add one with 'cosdrop profile add' or 'cosdrop profile import'."))
		return 0
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, tr("NAME")+"\t"+tr("MODE")+"\t"+tr("BUCKET")+"\t"+tr("REGION")+"\t"+tr("ENDPOINT / CREDENTIAL URL"))
	for _, p := range list {
		where := p.Endpoint
		if p.CredentialURL != "" {
			where = strings.TrimSpace(where + " " + p.CredentialURL)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", safe(p.Name), safe(string(p.Mode)), safe(p.Bucket), safe(p.Region), safe(where))
	}
	tw.Flush()
	return 0
}

func profileRemove(args []string) int {
	fs := newFlagSet("profile remove", "NAME")
	pos, code, ok := positional(fs, args, 1)
	if !ok {
		return code
	}
	name := pos[0]
	if err := profile.NewProfiles("").Remove(name); err != nil {
		if errors.Is(err, profile.ErrNoProfile) {
			return fail(tr("There is no profile %q."), name)
		}
		return explain(tr("Cannot remove the profile"), err)
	}
	fmt.Printf(tr("Removed profile %q.")+"\n", name)
	if _, err := deleteSecrets(name); err != nil {
		return explain(tr("The profile is gone, but its secrets could not be removed from the keyring; run 'cosdrop logout' later"), err)
	}
	return 0
}

func profileExport(args []string) int {
	fs := newFlagSet("profile export", "NAME FILE")
	pos, code, ok := positional(fs, args, 2)
	if !ok {
		return code
	}
	p, err := profile.NewProfiles("").Get(pos[0])
	if err != nil {
		return explain(tr("Cannot export the profile"), err)
	}
	var sb strings.Builder
	if err := profile.ExportProfile(&sb, p); err != nil {
		return explain(tr("Cannot export the profile"), err)
	}
	if pos[1] == "-" {
		fmt.Print(sb.String())
		return 0
	}
	if ext := filepath.Ext(pos[1]); !strings.EqualFold(ext, profile.ProfileFileExt) {
		// The extension is what makes a double click import the file
		// (issue 21, finding 1): marketing.json becomes marketing.cosdrop.
		if strings.EqualFold(ext, ".json") {
			pos[1] = strings.TrimSuffix(pos[1], ext)
		}
		pos[1] += profile.ProfileFileExt
	}
	// The export holds no secret, so ordinary permissions are right: the
	// admin means to share it.
	if err := os.WriteFile(pos[1], []byte(sb.String()), 0o644); err != nil {
		return explain(tr("Cannot write the export"), err)
	}
	fmt.Printf(tr("Exported profile %q to %s (it contains no secret).")+"\n", p.Name, pos[1])
	return 0
}

func profileImport(args []string) int {
	fs := newFlagSet("profile import", "FILE [--name NEW] [--replace]")
	rename := fs.String("name", "", tr("import under this name instead"))
	replace := fs.Bool("replace", false, tr("replace an existing profile with the same name"))
	pos, code, ok := positional(fs, args, 1)
	if !ok {
		return code
	}
	var b []byte
	var err error
	if pos[0] == "-" {
		b, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	} else {
		b, err = os.ReadFile(pos[0])
	}
	if err != nil {
		return explain(tr("Cannot read the profile file"), err)
	}
	p, err := profile.ParseProfileExport(b)
	if err != nil {
		return explain(tr("Refusing to import"), err)
	}
	if *rename != "" {
		p.Name = *rename
		if err := p.Validate(); err != nil {
			return explain(tr("The profile is not valid"), err)
		}
	}
	profiles := profile.NewProfiles("")
	if !*replace {
		if _, err := profiles.Get(p.Name); err == nil {
			return fail(tr("A profile named %q already exists; use --replace to overwrite it or --name to import it under another name."), p.Name)
		}
	}
	if err := profiles.Put(p); err != nil {
		return explain(tr("Cannot save the profile"), err)
	}
	fmt.Printf(tr("Imported profile %q.")+"\n", p.Name)
	for _, d := range p.ProposedWatchFolders { // issue 20, finding 5: proposed, never watched unasked
		fmt.Printf(tr("Proposed watch folder, not watched until you confirm it in the window (or name it to 'cosdrop watch'): %s")+"\n", session.Printable(d))
	}
	if spec := p.Spec(); !spec.Secret.Optional {
		fmt.Printf(tr(spec.Secret.Next)+"\n", shellQuote(p.Name))
	}
	return 0
}

func profileTest(args []string) int {
	fs := newFlagSet("profile test", "NAME")
	pos, code, ok := positional(fs, args, 1)
	if !ok {
		return code
	}
	p, err := profile.NewProfiles("").Get(pos[0])
	if err != nil {
		return explain(tr("Cannot test the profile"), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	prov, sign, err := profile.Open(ctx, p, secretStore, nil)
	if err != nil {
		return explain(tr("Cannot test the profile"), err)
	}
	if s, ok := prov.(*auth.STS); ok {
		defer s.Close()
	}
	// The credential server first: its failure is never reported as COS's.
	if problem := session.CheckCredentialServer(ctx, p, prov); problem != "" {
		fmt.Println(safe(problem))
		return 1
	}
	rep := profile.Probe(ctx, p, prov, sign, nil)
	for _, r := range rep.Results {
		mark := "OK  "
		if r.Status != auth.Allowed {
			mark = "FAIL"
		}
		fmt.Printf("%s %-24s %s\n", mark, r.Action, safe(session.ProbeLine(r)))
	}
	for _, n := range rep.Notes {
		fmt.Printf("%s %s\n", tr("Note:"), n.Localize(trAuth))
	}
	if !rep.OK() {
		if m := rep.Missing(); len(m) > 0 {
			fmt.Printf(tr("Missing permissions: %s. Ask your administrator to add them to the policy for this bucket and prefix.")+"\n", strings.Join(m, ", "))
		}
		return 1
	}
	fmt.Println(tr("Every action an upload needs is allowed."))
	return 0
}
