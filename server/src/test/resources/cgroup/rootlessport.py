"""A stand-in for Podman 4's rootless forwarder, rootlessport, as RootlessKit's builtin port driver works.

rootlessport.py PORT NETNS TARGET_IP TARGET_PORT CHILD_COMMAND: names its program "exe" (Podman runs the forwarder as
/proc/self/exe; the caller sets its first argument with bash's exec -a), listens on 127.0.0.1:PORT, starts
CHILD_COMMAND as its child, says "listening" on stdout, and for each connection it takes dials TARGET_IP:TARGET_PORT
from within the network namespace at NETNS (where the forwarder's child dials, handing the socket back to it), then
holds both sockets until the connection closes. Needs CAP_SYS_ADMIN for setns.
"""
import ctypes
import os
import socket
import subprocess
import sys
import threading

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def dial(netns, ip, port):
    dialed = {}

    def run():  # setns moves this thread alone into the namespace; the socket stays in it
        fd = os.open(netns, os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns")
        finally:
            os.close(fd)
        dialed["socket"] = socket.create_connection((ip, port))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return dialed.get("socket")


def serve(connection, netns, ip, port):
    far = dial(netns, ip, port)
    try:
        while connection.recv(4096):
            pass
    finally:
        connection.close()
        if far is not None:
            far.close()


def main():
    port, netns, ip, target_port, child = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    with open("/proc/self/comm", "w") as comm:
        comm.write("exe")
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(50)
    subprocess.Popen(["sh", "-c", child], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("listening", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, netns, ip, target_port), daemon=True).start()


main()
