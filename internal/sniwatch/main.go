// Command sniwatch is a stand-in for a desktop panel's system tray in
// tests (.ci/tray-test.sh): it owns org.kde.StatusNotifierWatcher on the
// session bus, as GNOME's AppIndicator extension, KDE Plasma or
// waybar do, waits for a tray item to register, and then reads commands
// from stdin:
//
//	menu         print the item's menu labels, one line: menu: "a" "b" ...
//	click LABEL  click the menu item labelled LABEL (com.canonical.dbusmenu Event)
//
// It prints "registered" once an item has registered, and exits at EOF.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

type watcher struct{ got chan string }

// RegisterStatusNotifierItem is what Fyne's tray calls on the watcher.
func (w watcher) RegisterStatusNotifierItem(sender dbus.Sender, _ string) *dbus.Error {
	select {
	case w.got <- string(sender):
	default:
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sniwatch:", err)
		os.Exit(1)
	}
}

func run() error {
	conn, err := dbus.SessionBus()
	if err != nil {
		return err
	}
	w := watcher{got: make(chan string, 1)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		return err
	}
	r, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	if err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("own the watcher name: %v %v", r, err)
	}
	fmt.Println("ready")
	var item string
	select {
	case item = <-w.got:
	case <-time.After(60 * time.Second):
		return fmt.Errorf("no tray item registered within 60 s")
	}
	fmt.Println("registered")
	menu := conn.Object(item, "/StatusNotifierMenu")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(in.Text()), " ")
		labels, ids, err := layout(menu)
		if err != nil {
			return err
		}
		switch cmd {
		case "menu":
			fmt.Printf("menu: %q\n", labels)
		case "click":
			found := false
			for i, l := range labels {
				if l == arg {
					found = true
					c := menu.Call("com.canonical.dbusmenu.Event", 0, ids[i], "clicked", dbus.MakeVariant(int32(0)), uint32(time.Now().Unix()))
					fmt.Println("clicked", l, c.Err)
				}
			}
			if !found {
				fmt.Printf("no item %q in %q\n", arg, labels)
			}
		}
	}
	return in.Err()
}

// layout reads the top level of the item's menu (dbusmenu GetLayout).
func layout(menu dbus.BusObject) (labels []string, ids []int32, err error) {
	var rev uint32
	var root []any
	c := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
	if c.Err != nil {
		return nil, nil, c.Err
	}
	if err := c.Store(&rev, &root); err != nil {
		return nil, nil, err
	}
	children, _ := root[2].([]dbus.Variant)
	for _, ch := range children {
		node, _ := ch.Value().([]any)
		if len(node) < 2 {
			continue
		}
		props, _ := node[1].(map[string]dbus.Variant)
		label, _ := props["label"].Value().(string)
		id, _ := node[0].(int32)
		labels, ids = append(labels, label), append(ids, id)
	}
	return labels, ids, nil
}
