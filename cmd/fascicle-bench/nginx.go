package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// nginxInstall is what to run to get nginx, said when it is missing.
const nginxInstall = "apt-get install -y nginx"

// startNginx serves page as a static file at path (and every other path) from a
// configuration of its own in dir, on a free loopback port, with nginx's usual
// settings: worker per core, sendfile, an access log. It returns the address.
func startNginx(ctx context.Context, nginx, dir, path string, page []byte) (*process, string, error) {
	// nginx's workers drop root's rights: what they read must be readable by all.
	www := filepath.Join(dir, "www")
	if err := os.MkdirAll(www, 0o755); err != nil {
		return nil, "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(filepath.Join(www, "article.html"), page, 0o644); err != nil {
		return nil, "", err
	}
	addr, err := freePort()
	if err != nil {
		return nil, "", err
	}
	conf := fmt.Sprintf(`# The static copy of the article page, for fascicle-bench.
worker_processes auto;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 1024; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {
        listen %[2]s;
        location / {
            root %[3]s;
            default_type text/html;
            try_files /article.html =404;
        }
    }
}
`, dir, addr, www)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, "", err
	}
	p, err := start("nginx", filepath.Join(dir, "nginx.out"), nil, childEnv(), nginx,
		"-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confPath)
	if err != nil {
		return nil, "", err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		body, err := fetch(ctx, "http://"+addr+path)
		if err == nil && len(body) == len(page) {
			return p, addr, nil
		}
		select {
		case <-p.done:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			return nil, "", fmt.Errorf("nginx exited: %v\n%s", p.err, lastLines(log, 10))
		case <-ctx.Done():
			p.stop(5 * time.Second)
			return nil, "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop(5 * time.Second)
			return nil, "", fmt.Errorf("nginx did not serve the page within 10 s (last error: %v)", err)
		}
	}
}

// freePort returns a loopback address with a port nothing listens on.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// findNginx returns nginx's path, or "" if it is not installed.
func findNginx() string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}
