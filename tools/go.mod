module istio-alb/tools

go 1.26.0
