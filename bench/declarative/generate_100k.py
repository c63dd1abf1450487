#!/usr/bin/env python3
"""Writes the issue's 100k-entity declarative file: 25k services with one route each and 25k
consumers with one key-auth credential each (nested, as decK and Kong users write them).

    python3 bench/declarative/generate_100k.py /tmp/kong-100k.yml [--scale 25000]
"""
import argparse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--scale", type=int, default=25000, help="services and consumers each")
    args = parser.parse_args()
    with open(args.out, "w") as f:
        f.write('_format_version: "3.0"\n')
        f.write("services:\n")
        for i in range(args.scale):
            f.write(f"- name: service-{i}\n"
                    f"  url: http://backend-{i % 100}.internal:8080/v1\n"
                    f"  tags: [bench]\n"
                    f"  routes:\n"
                    f"  - name: route-{i}\n"
                    f"    paths: [/svc/{i}]\n"
                    f"    methods: [GET, POST]\n")
        f.write("consumers:\n")
        for i in range(args.scale):
            f.write(f"- username: user-{i}\n"
                    f"  custom_id: customer-{i}\n"
                    f"  keyauth_credentials:\n"
                    f"  - key: key-{i:08d}-secret\n")


if __name__ == "__main__":
    main()
